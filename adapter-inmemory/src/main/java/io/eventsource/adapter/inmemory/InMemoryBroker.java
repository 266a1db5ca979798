package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ConsumerActivity;
import io.eventsource.domain.ExchangeName;
import io.eventsource.domain.ExchangeUsage;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.QueueUsage;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.Subscription;
import io.eventsource.ports.TransientPortException;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A simulated RabbitMQ broker, faithful to what the seed's flow relies on: fanout exchanges, durable
 * announcement exchanges and queues, auto-delete aggregate exchanges that go with their last queue, aggregate
 * queues that expire (with their messages) once unused for the {@link ExpiryPolicy#queueExpiry() queue expiry}
 * (unused: no consumer and no redeclare; publishing does not count), single active consumer, unsettled
 * messages returned to their queue in order when their consumer ends, and aggregate consumers cancelled when
 * idle for the {@link ExpiryPolicy#consumerIdleTimeout() consumer idle timeout}. As the RabbitMQ adapter declares
 * them, an aggregate queue belongs to the binding that declared it (another binding that spells the same name is
 * refused with a {@link RouteCollisionException}), and an announcement queue keeps at most its maximum length of
 * waiting announcements, dropping the oldest.
 *
 * <p>For a partitioned type it also has what the RabbitMQ adapter declares: the type's durable direct exchange, routing
 * by partition number, and per service and partition a durable queue with single active consumer that expires once
 * unused for the topology's own queue expiry; its consumers are never cancelled for idleness. With several consumers
 * on a single-active-consumer queue, the first to subscribe is active; when it ends, the next in subscription order
 * takes over from the first unsettled message ({@link #activeConsumer} shows which one is active).
 *
 * <p>Each {@link #connect} opens a connection, as one service instance would: a {@link MessageBus} whose
 * subscriptions end together when the connection is {@link #crash crashed}. Every delivery, expiry and idle
 * cancellation is a task on the broker's {@link Scheduler}, never run on a caller's stack: with a
 * {@link VirtualScheduler}, the whole broker is deterministic and moves only when its clock does.
 *
 * <p>The inspection methods ({@link #queueExists}, {@link #queueDepth}, ...) let tests look inside, as the
 * management UI would. Thread-safe.
 */
public final class InMemoryBroker {
    /** The announcements an announcement queue keeps by default, as the RabbitMQ adapter declares them. */
    public static final int DEFAULT_ANNOUNCEMENT_MAX_LENGTH = 10_000;
    private static final System.Logger LOG = System.getLogger(InMemoryBroker.class.getName());

    private final Object lock = new Object();
    private final Scheduler scheduler;
    private final ExpiryPolicy policy;
    private final int announcementMaxLength;
    private final Map<String, Exchange> exchanges = new HashMap<>();
    private final Map<String, Queue> queues = new HashMap<>();
    private final Set<InMemoryMessageBus> connections = new LinkedHashSet<>();
    private long nextMessageId = 1;
    private long nextConsumerId = 1;
    private boolean down;

    /**
     * A broker with no exchanges or queues.
     *
     * @param scheduler its clock and the runner of its deliveries and expiries (a {@link VirtualScheduler} in tests)
     * @param policy the queue expiry and consumer idle timeout it enforces
     */
    public InMemoryBroker(Scheduler scheduler, ExpiryPolicy policy) {
        this(scheduler, policy, DEFAULT_ANNOUNCEMENT_MAX_LENGTH);
    }

    /**
     * A broker with no exchanges or queues, whose announcement queues keep at most {@code announcementMaxLength}
     * waiting announcements (RabbitMQ's {@code x-max-length} with overflow {@code drop-head}: the oldest go).
     *
     * @throws IllegalArgumentException if {@code announcementMaxLength} is not positive
     */
    public InMemoryBroker(Scheduler scheduler, ExpiryPolicy policy, int announcementMaxLength) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (announcementMaxLength < 1) {
            throw new IllegalArgumentException("announcementMaxLength must be at least 1, got " + announcementMaxLength);
        }
        this.announcementMaxLength = announcementMaxLength;
    }

    /** A new connection with no namespace. */
    public MessageBus connect() {
        return connect(Namespace.NONE);
    }

    /** A new connection whose names live under {@code namespace}, as one service instance's bus. */
    public MessageBus connect(Namespace namespace) {
        Objects.requireNonNull(namespace, "namespace");
        synchronized (lock) {
            InMemoryMessageBus bus = new InMemoryMessageBus(this, namespace);
            connections.add(bus);
            return bus;
        }
    }

    /**
     * Kills a connection, as the death of its service instance or a network failure would: its
     * subscriptions end with {@link EndReason#CONNECTION_LOST}, their unsettled messages return to their
     * queues, and any further call on it fails with a {@link TransientPortException}.
     *
     * @throws IllegalArgumentException if {@code connection} is not a connection of this broker
     */
    public void crash(MessageBus connection) {
        synchronized (lock) {
            if (!(connection instanceof InMemoryMessageBus) || ((InMemoryMessageBus) connection).broker() != this) {
                throw new IllegalArgumentException("not a connection of this broker: " + connection);
            }
            InMemoryMessageBus bus = (InMemoryMessageBus) connection;
            bus.markCrashed();
            endSubscriptionsOf(bus, EndReason.CONNECTION_LOST, true);
            connections.remove(bus);
        }
    }

    /**
     * Takes the broker down, as an outage would: every subscription of every connection ends with
     * {@link EndReason#CONNECTION_LOST} and every call fails with a {@link TransientPortException} until
     * {@link #start()}. Exchanges, queues and their messages stay.
     */
    public void stop() {
        synchronized (lock) {
            down = true;
            for (InMemoryMessageBus bus : List.copyOf(connections)) {
                endSubscriptionsOf(bus, EndReason.CONNECTION_LOST, true);
            }
        }
    }

    /**
     * Restarts the broker at once, as a RabbitMQ node restart does with the RabbitMQ adapter's default settings: every
     * subscription of every connection ends with {@link EndReason#CONNECTION_LOST} (the connections themselves
     * work on, as the client's recovery reconnects them); exchanges and queues stay, and so do the messages of
     * partition queues, which are persistent; the messages of aggregate queues and their announcements, which are
     * transient, are lost, also those their consumers held unsettled.
     */
    public void restart() {
        synchronized (lock) {
            for (InMemoryMessageBus bus : List.copyOf(connections)) {
                endSubscriptionsOf(bus, EndReason.CONNECTION_LOST, true);
            }
            for (Queue queue : queues.values()) {
                if (queue.kind != Kind.PARTITION) {
                    queue.ready.clear();
                }
            }
        }
    }

    /** Brings the broker back after {@link #stop()}; connections work again, their old subscriptions stay ended. */
    public void start() {
        synchronized (lock) {
            down = false;
        }
    }

    /**
     * Deletes a queue, as an operator would: its messages are dropped, its consumers end with
     * {@link EndReason#QUEUE_DELETED}, and an auto-delete exchange goes with its last queue. No-op if absent.
     */
    public void deleteQueue(QueueName name) {
        synchronized (lock) {
            Queue queue = queues.get(name.value());
            if (queue != null) {
                delete(queue);
            }
        }
    }

    /** Whether the exchange exists now. */
    public boolean exchangeExists(ExchangeName name) {
        synchronized (lock) {
            return exchanges.containsKey(name.value());
        }
    }

    /** Whether the queue exists now. */
    public boolean queueExists(QueueName name) {
        synchronized (lock) {
            return queues.containsKey(name.value());
        }
    }

    /** The messages in the queue, waiting or delivered and not yet settled; 0 if the queue does not exist. */
    public int queueDepth(QueueName name) {
        synchronized (lock) {
            Queue queue = queues.get(name.value());
            if (queue == null) {
                return 0;
            }
            int depth = queue.ready.size();
            for (BrokerConsumer consumer : queue.consumers) {
                depth += consumer.unsettled.size();
            }
            return depth;
        }
    }

    /** The messages in the queue waiting for a consumer; 0 if the queue does not exist. */
    public int readyMessages(QueueName name) {
        synchronized (lock) {
            Queue queue = queues.get(name.value());
            return queue == null ? 0 : queue.ready.size();
        }
    }

    /** The consumers of the queue, active or standing by; 0 if the queue does not exist. */
    public int consumerCount(QueueName name) {
        synchronized (lock) {
            Queue queue = queues.get(name.value());
            return queue == null ? 0 : queue.consumers.size();
        }
    }

    /**
     * The subscription that the queue hands its messages to now: with single active consumer (aggregate and partition
     * queues), the active one of its consumers; empty if the queue has none or does not exist, or hands messages
     * round-robin (announcement queues). The subscriptions are those the connections handed out.
     */
    public Optional<Subscription> activeConsumer(QueueName name) {
        synchronized (lock) {
            Queue queue = queues.get(name.value());
            if (queue == null || !queue.singleActive() || queue.consumers.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(queue.consumers.get(0));
        }
    }

    /**
     * The tag of the queue's {@linkplain #activeConsumer active consumer}, as the RabbitMQ management UI shows it:
     * {@code {instance}-p{k}} for a partition subscription, the subscription's number otherwise.
     */
    public Optional<String> activeConsumerTag(QueueName name) {
        return activeConsumer(name).map(consumer -> ((BrokerConsumer) consumer).tag);
    }

    /** The expiry the queue was declared with (how long it lives unused); empty for an announcement queue or none. */
    public Optional<Duration> queueExpiry(QueueName name) {
        synchronized (lock) {
            Queue queue = queues.get(name.value());
            return queue == null ? Optional.empty() : Optional.ofNullable(queue.expiry);
        }
    }

    /** The queues bound to the exchange, by name; empty if it does not exist. */
    public Set<String> boundQueues(ExchangeName name) {
        synchronized (lock) {
            Exchange exchange = exchanges.get(name.value());
            Set<String> names = new TreeSet<>();
            if (exchange != null) {
                exchange.queues.keySet().forEach(queue -> names.add(queue.name));
            }
            return names;
        }
    }

    /** Every queue's name, sorted. */
    public Set<String> queueNames() {
        synchronized (lock) {
            return new TreeSet<>(queues.keySet());
        }
    }

    /** Every exchange's name, sorted. */
    public Set<String> exchangeNames() {
        synchronized (lock) {
            return new TreeSet<>(exchanges.keySet());
        }
    }

    /** The connections open now (neither closed nor crashed). */
    public int connectionCount() {
        synchronized (lock) {
            return connections.size();
        }
    }

    /** The durations this broker enforces. */
    public ExpiryPolicy expiryPolicy() {
        return policy;
    }

    /** The broker's clock and task runner. */
    public Scheduler scheduler() {
        return scheduler;
    }

    // ---- operations of the connections (package-private) ----

    Object lock() {
        return lock;
    }

    void checkReachable() {
        if (down) {
            throw new TransientPortException("the broker is unreachable (stopped)");
        }
    }

    void closed(InMemoryMessageBus bus) {
        synchronized (lock) {
            endSubscriptionsOf(bus, EndReason.CANCELLED, false);
            connections.remove(bus);
        }
    }

    /** Declares a fanout exchange, or checks that the existing one has the same kind (RabbitMQ's 406 otherwise). */
    Exchange declareExchange(String name, boolean autoDelete) {
        return declareExchange(name, autoDelete, false);
    }

    /** Declares a durable direct exchange (a partitioned type's), or checks the existing one as above. */
    Exchange declareDirectExchange(String name) {
        return declareExchange(name, false, true);
    }

    private Exchange declareExchange(String name, boolean autoDelete, boolean direct) {
        Exchange exchange = exchanges.get(name);
        if (exchange == null) {
            exchange = new Exchange(name, autoDelete, direct);
            exchanges.put(name, exchange);
        } else if (exchange.usage.autoDelete() != autoDelete || exchange.direct != direct) {
            throw new PermanentPortException("PRECONDITION_FAILED: exchange " + name + " exists as "
                    + exchange.describe() + ", declared as " + Exchange.describe(direct, autoDelete));
        }
        return exchange;
    }

    /** Declares a service's announcement queue, or redeclares it. */
    Queue declareAnnouncementQueue(String name) {
        return declareQueue(name, Kind.ANNOUNCEMENT, null, null, null);
    }

    /**
     * Declares the aggregate queue of a binding, or redeclares it (which restarts its unused period).
     *
     * @throws RouteCollisionException if the queue exists for another binding
     */
    Queue declareAggregateQueue(String name, AggregateRef aggregate, ServiceName service) {
        return declareQueue(name, Kind.AGGREGATE, Objects.requireNonNull(aggregate, "aggregate"),
                Objects.requireNonNull(service, "service"), policy.queueExpiry());
    }

    /**
     * Declares the queue of one partition of a partitioned type for a service, or redeclares it (which restarts its
     * unused period).
     *
     * @param aggregate the aggregate whose route is declared, named in a refusal; null when all partitions are
     * @throws RouteCollisionException if the queue exists for another type, partition or service (a namespace whose
     *         names spell the same)
     * @throws PermanentPortException if the queue exists as another kind of queue, or with another expiry
     */
    Queue declarePartitionQueue(String name, AggregateType type, int partition, ServiceName service, Duration expiry,
                                AggregateRef aggregate) {
        Objects.requireNonNull(expiry, "expiry");
        Queue queue = queues.get(name);
        PartitionOwner owner = new PartitionOwner(type, partition);
        if (queue != null && queue.kind == Kind.PARTITION && !(owner.equals(queue.owner)
                && service.equals(queue.service))) {
            throw new RouteCollisionException(name, aggregate, Objects.requireNonNull(service, "service"),
                    queue.owner + " for service " + queue.service, null);
        }
        if (queue != null && queue.kind == Kind.PARTITION && !expiry.equals(queue.expiry)) {
            // RabbitMQ's 406 on x-expires: a process of the namespace uses the type with another expiry
            throw new PermanentPortException("PRECONDITION_FAILED: partition queue " + name + " exists with expiry "
                    + queue.expiry + ", declared with " + expiry);
        }
        return declareQueue(name, Kind.PARTITION, owner, service, expiry);
    }

    /**
     * Restarts the unused period of the queue if it exists, as a passive declaration does on RabbitMQ; creates
     * nothing.
     *
     * @return whether the queue exists
     */
    boolean renewQueue(String name) {
        Queue queue = queues.get(name);
        if (queue == null || queue.deleted) {
            return false;
        }
        queue.usage = queue.usage.redeclared(scheduler.instant());
        scheduleExpiryCheck(queue);
        return true;
    }

    private Queue declareQueue(String name, Kind kind, Object owner, ServiceName service, Duration expiry) {
        Instant now = scheduler.instant();
        Queue queue = queues.get(name);
        if (queue == null) {
            queue = new Queue(name, kind, owner, service, expiry, QueueUsage.declaredAt(now));
            queues.put(name, queue);
        } else if (queue.kind != kind) {
            throw new PermanentPortException("PRECONDITION_FAILED: queue " + name + " exists with other arguments ("
                    + queue.kind.arguments + ")");
        } else if (kind == Kind.AGGREGATE && !(owner.equals(queue.owner) && service.equals(queue.service))) {
            // RabbitMQ refuses it by an inequivalent argument that carries the binding
            throw new RouteCollisionException(name, (AggregateRef) owner, service, queue.owner + " for service "
                    + queue.service, null);
        } else {
            queue.usage = queue.usage.redeclared(now);
        }
        scheduleExpiryCheck(queue);
        return queue;
    }

    /** Binds the queue to a fanout exchange. */
    void bind(Queue queue, Exchange exchange) {
        bind(queue, exchange, "");
    }

    /** Binds the queue with a routing key (what a direct exchange routes by; a fanout exchange ignores it). */
    void bind(Queue queue, Exchange exchange, String routingKey) {
        if (exchange.queues.putIfAbsent(queue, routingKey) == null) {
            exchange.usage = exchange.usage.queueBound();
            queue.boundTo.add(exchange);
        }
    }

    /** Routes each body to every queue bound to the exchange, in order: a fanout exchange. */
    PublishResult publish(String exchangeName, List<?> bodies) {
        return publish(exchangeName, "", bodies);
    }

    /**
     * Routes each body, in order, to every queue bound to the exchange: all of them for a fanout exchange, those
     * bound with {@code routingKey} for a direct one.
     */
    PublishResult publish(String exchangeName, String routingKey, List<?> bodies) {
        Exchange exchange = exchanges.get(exchangeName);
        if (exchange == null) {
            return new PublishResult.ExchangeMissing(exchangeName);
        }
        List<Queue> targets = exchange.routes(routingKey);
        if (targets.isEmpty()) {
            return new PublishResult.Unroutable(exchangeName);
        }
        for (Object body : bodies) {
            for (Queue queue : targets) {
                long id = nextMessageId++;
                queue.ready.put(id, new Message(id, body));
                if (queue.kind == Kind.ANNOUNCEMENT && queue.ready.size() > announcementMaxLength) {
                    queue.ready.pollFirstEntry(); // x-max-length, overflow drop-head: counts waiting messages only
                }
            }
        }
        for (Queue queue : targets) {
            pump(queue);
        }
        return new PublishResult.Routed();
    }

    /**
     * Adds a consumer to the queue.
     *
     * @param deliver called (on the scheduler, in delivery order) with each delivery
     * @param ended called after the last delivery with the reason the consumer ended, or {@code null}
     */
    BrokerConsumer consume(InMemoryMessageBus bus, String queueName, boolean idleCancel,
                           Consumer<BrokerDelivery> deliver, Consumer<EndReason> ended) {
        return consume(bus, queueName, null, idleCancel, deliver, ended);
    }

    /**
     * Adds a consumer to the queue, as above.
     *
     * @param tag the consumer's tag, or null for its number
     */
    BrokerConsumer consume(InMemoryMessageBus bus, String queueName, String tag, boolean idleCancel,
                           Consumer<BrokerDelivery> deliver, Consumer<EndReason> ended) {
        Queue queue = queues.get(queueName);
        if (queue == null) {
            throw new PermanentPortException("NOT_FOUND: queue " + queueName + " does not exist; declare it first");
        }
        Instant now = scheduler.instant();
        long id = nextConsumerId++;
        BrokerConsumer consumer = new BrokerConsumer(id, tag == null ? "#" + id : tag, bus, queue, idleCancel,
                deliver, ended, now);
        queue.consumers.add(consumer);
        queue.usage = queue.usage.consumerAdded(now);
        bus.subscriptions().add(consumer);
        scheduleIdleCheck(consumer);
        pump(queue);
        return consumer;
    }

    // ---- the simulation ----

    private void endSubscriptionsOf(InMemoryMessageBus bus, EndReason reason, boolean notify) {
        for (BrokerConsumer consumer : List.copyOf(bus.subscriptions())) {
            end(consumer, reason, notify);
        }
    }

    /** Hands waiting messages to the queue's consumers: all to the active one, or round-robin. */
    private void pump(Queue queue) {
        if (queue.deleted || queue.consumers.isEmpty()) {
            return;
        }
        Instant now = scheduler.instant();
        while (!queue.ready.isEmpty()) {
            BrokerConsumer consumer;
            if (queue.singleActive()) {
                consumer = queue.consumers.get(0);
            } else {
                consumer = queue.consumers.get(queue.roundRobin++ % queue.consumers.size());
            }
            Message message = queue.ready.pollFirstEntry().getValue();
            boolean redelivered = message.deliveredBefore;
            message.deliveredBefore = true;
            consumer.unsettled.put(message.id, message);
            consumer.activity = consumer.activity.received(now);
            BrokerDelivery delivery = new BrokerDelivery(consumer, message, redelivered);
            consumer.post(() -> consumer.dispatch(delivery));
        }
    }

    private void settle(BrokerDelivery delivery, boolean requeue) {
        synchronized (lock) {
            BrokerConsumer consumer = delivery.consumer;
            if (!consumer.open || consumer.unsettled.remove(delivery.message.id) == null) {
                return;
            }
            consumer.activity = consumer.activity.settled(scheduler.instant());
            if (requeue) {
                consumer.queue.ready.put(delivery.message.id, delivery.message);
                pump(consumer.queue);
            }
            scheduleIdleCheck(consumer);
        }
    }

    private void end(BrokerConsumer consumer, EndReason reason, boolean notify) {
        if (!consumer.open) {
            return;
        }
        consumer.open = false;
        consumer.bus.subscriptions().remove(consumer);
        Queue queue = consumer.queue;
        queue.consumers.remove(consumer);
        if (!queue.deleted) {
            // unsettled messages go back to their places in the queue, ahead of later ones
            queue.ready.putAll(consumer.unsettled);
            queue.usage = queue.usage.consumerRemoved(scheduler.instant());
            scheduleExpiryCheck(queue);
        }
        consumer.unsettled.clear();
        if (notify && consumer.ended != null) {
            consumer.post(() -> consumer.ended.accept(reason));
        }
        pump(queue);
    }

    private void delete(Queue queue) {
        queue.deleted = true;
        queues.remove(queue.name);
        queue.ready.clear();
        for (BrokerConsumer consumer : List.copyOf(queue.consumers)) {
            end(consumer, EndReason.QUEUE_DELETED, true);
        }
        for (Exchange exchange : queue.boundTo) {
            exchange.queues.remove(queue);
            exchange.usage = exchange.usage.queueUnbound();
            if (exchange.usage.deletedAfterUnbind() && exchanges.get(exchange.name) == exchange) {
                exchanges.remove(exchange.name);
            }
        }
        queue.boundTo.clear();
    }

    private void scheduleExpiryCheck(Queue queue) {
        if (queue.expiry == null || queue.deleted || queue.expiryCheckPending) {
            return;
        }
        queue.usage.expiresAt(queue.expiry).ifPresent(at -> {
            queue.expiryCheckPending = true;
            scheduler.schedule(Duration.between(scheduler.instant(), at), () -> checkExpiry(queue));
        });
    }

    private void checkExpiry(Queue queue) {
        synchronized (lock) {
            queue.expiryCheckPending = false;
            if (queue.deleted) {
                return;
            }
            if (queue.usage.isExpired(scheduler.instant(), queue.expiry)) {
                delete(queue);
            } else {
                scheduleExpiryCheck(queue);
            }
        }
    }

    private void scheduleIdleCheck(BrokerConsumer consumer) {
        if (!consumer.idleCancel || !consumer.open || consumer.idleCheckPending || consumer.activity.inFlight() > 0) {
            return;
        }
        consumer.idleCheckPending = true;
        Instant at = consumer.activity.idleAt(policy.consumerIdleTimeout());
        scheduler.schedule(Duration.between(scheduler.instant(), at), () -> checkIdle(consumer));
    }

    private void checkIdle(BrokerConsumer consumer) {
        synchronized (lock) {
            consumer.idleCheckPending = false;
            if (!consumer.open) {
                return;
            }
            if (consumer.activity.isIdle(scheduler.instant(), policy.consumerIdleTimeout())) {
                end(consumer, EndReason.IDLE, true);
            } else {
                scheduleIdleCheck(consumer);
            }
        }
    }

    static final class Exchange {
        private final String name;
        /** A direct exchange routes by the key a queue was bound with; a fanout one to every bound queue. */
        private final boolean direct;
        /** The bound queues, each with the routing key it was bound with, in binding order. */
        private final Map<Queue, String> queues = new LinkedHashMap<>();
        private ExchangeUsage usage;

        private Exchange(String name, boolean autoDelete, boolean direct) {
            this.name = name;
            this.direct = direct;
            this.usage = ExchangeUsage.declared(autoDelete);
        }

        private List<Queue> routes(String routingKey) {
            List<Queue> targets = new ArrayList<>();
            queues.forEach((queue, key) -> {
                if (!direct || key.equals(routingKey)) {
                    targets.add(queue);
                }
            });
            return targets;
        }

        private String describe() {
            return describe(direct, usage.autoDelete());
        }

        private static String describe(boolean direct, boolean autoDelete) {
            return (direct ? "direct" : "fanout") + (autoDelete ? ", auto-delete" : ", durable");
        }
    }

    /** The kinds of queue the adapters declare, each with its own arguments. */
    private enum Kind {
        ANNOUNCEMENT("durable"),
        AGGREGATE("expiring, single active consumer"),
        PARTITION("durable, expiring, single active consumer");

        private final String arguments;

        Kind(String arguments) {
            this.arguments = arguments;
        }
    }

    /** What a partition queue belongs to, beside its service. */
    private record PartitionOwner(AggregateType type, int partition) {
        @Override
        public String toString() {
            return "partition " + partition + " of " + type;
        }
    }

    static final class Queue {
        private final String name;
        private final Kind kind;
        /** The binding the queue belongs to: an aggregate, a partition; null for an announcement queue. */
        private final Object owner;
        private final ServiceName service;
        /** How long the queue lives unused; null for a queue that lives until deleted (an announcement queue). */
        private final Duration expiry;
        private final TreeMap<Long, Message> ready = new TreeMap<>();
        private final List<BrokerConsumer> consumers = new ArrayList<>();
        private final Set<Exchange> boundTo = new LinkedHashSet<>();
        private QueueUsage usage;
        private boolean deleted;
        private boolean expiryCheckPending;
        private int roundRobin;

        private Queue(String name, Kind kind, Object owner, ServiceName service, Duration expiry, QueueUsage usage) {
            this.name = name;
            this.kind = kind;
            this.owner = owner;
            this.service = service;
            this.expiry = expiry;
            this.usage = usage;
        }

        private boolean singleActive() {
            return kind != Kind.ANNOUNCEMENT;
        }
    }

    private static final class Message {
        private final long id;
        private final Object body;
        private boolean deliveredBefore;

        private Message(long id, Object body) {
            this.id = id;
            this.body = body;
        }
    }

    /** One message handed to one consumer; settled at most once. */
    final class BrokerDelivery {
        private final BrokerConsumer consumer;
        private final Message message;
        private final boolean redelivered;

        private BrokerDelivery(BrokerConsumer consumer, Message message, boolean redelivered) {
            this.consumer = consumer;
            this.message = message;
            this.redelivered = redelivered;
        }

        Object body() {
            return message.body;
        }

        boolean redelivered() {
            return redelivered;
        }

        void ack() {
            settle(this, false);
        }

        void requeue() {
            settle(this, true);
        }
    }

    /** A consumer of one queue, and the subscription its connection hands out. */
    final class BrokerConsumer implements Subscription {
        private final long id;
        private final String tag;
        private final InMemoryMessageBus bus;
        private final Queue queue;
        private final boolean idleCancel;
        private final Consumer<BrokerDelivery> deliver;
        private final Consumer<EndReason> ended;
        private final TreeMap<Long, Message> unsettled = new TreeMap<>();
        private final Deque<Runnable> mailbox = new ArrayDeque<>();
        private ConsumerActivity activity;
        private boolean open = true;
        private boolean draining;
        private boolean idleCheckPending;

        private BrokerConsumer(long id, String tag, InMemoryMessageBus bus, Queue queue, boolean idleCancel,
                               Consumer<BrokerDelivery> deliver, Consumer<EndReason> ended, Instant now) {
            this.id = id;
            this.tag = tag;
            this.bus = bus;
            this.queue = queue;
            this.idleCancel = idleCancel;
            this.deliver = deliver;
            this.ended = ended;
            this.activity = ConsumerActivity.startedAt(now);
        }

        @Override
        public void cancel() {
            synchronized (lock) {
                end(this, EndReason.CANCELLED, true);
            }
        }

        @Override
        public boolean isOpen() {
            synchronized (lock) {
                return open;
            }
        }

        /**
         * Queues a call to the listener; calls run in order, one at a time, on the scheduler's threads for blocking work
         * ({@link Scheduler#execute}): a listener may run handlers there, which must not hold up its timers. On a
         * virtual clock that is the same as a task due now.
         */
        private void post(Runnable call) {
            mailbox.add(call);
            if (!draining) {
                draining = true;
                scheduler.execute(this::drain);
            }
        }

        private void drain() {
            while (true) {
                Runnable call;
                synchronized (lock) {
                    call = mailbox.poll();
                    if (call == null) {
                        draining = false;
                        return;
                    }
                }
                try {
                    call.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "listener of " + queue.name + " failed; the subscription goes on", e);
                } catch (Error e) {
                    // let the scheduler see it (a test's assertion, say), but never leave the mailbox stuck
                    synchronized (lock) {
                        if (mailbox.isEmpty()) {
                            draining = false;
                        } else {
                            scheduler.execute(this::drain);
                        }
                    }
                    throw e;
                }
            }
        }

        private void dispatch(BrokerDelivery delivery) {
            synchronized (lock) {
                if (!open || !unsettled.containsKey(delivery.message.id)) {
                    return;
                }
            }
            deliver.accept(delivery);
        }

        @Override
        public String toString() {
            return "Subscription[" + queue.name + " " + tag + (isOpen() ? "" : " ended") + "]";
        }
    }
}
