package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.AnnouncementListener;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.Subscription;
import io.eventsource.ports.TransientPortException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * {@link MessageBus} on one amqp-client connection, with the seed's topology under the settings' namespace:
 * <ul>
 *   <li>{@code {Type}AggregateIds}: fanout exchange, durable; {@code {Type}AggregateIds-{service}}: durable queue
 *       bound to it, at most the settings' announcement max length long (drop-head). Declared on a long-lived channel,
 *       so that the client's topology recovery re-creates them, and their consumers, after a lost connection.</li>
 *   <li>{@code {Type}-{id}}: fanout exchange, durable, auto-delete; {@code {Type}-{id}-{service}}: durable queue with
 *       {@code x-expires} (the expiry policy's queue expiry), {@code x-single-active-consumer} and the binding it
 *       belongs to ({@link QueueArguments}), so that the broker refuses it to another binding that spells the same
 *       name. Declared and consumed on the underlying channel of a recovering channel, so that the client never
 *       records them: its recovery would re-create every aggregate queue ever declared, long expired, and its records
 *       would grow with every aggregate seen.</li>
 *   <li>For a type {@linkplain #useTopology partitioned}: {@code {Type}Partitions}, direct exchange, durable;
 *       {@code {Type}-p{k}-{service}}: durable queue with the topology's {@code x-expires},
 *       {@code x-single-active-consumer} and the binding ({@link QueueArguments}), bound with routing key {@code k}.
 *       Declared and consumed unrecorded, as aggregate queues are. The bus remembers the partition queues it declared
 *       for a third of their expiry, so that routes declared again and again cost nothing; a publish that is not
 *       routed forgets them. Partition consumers are tagged {@code {instance}-p{k}} and never cancelled for
 *       idleness.</li>
 * </ul>
 * A message over the inbound limit makes the client close the connection; the bus then drops it from its queue
 * ({@link OversizedMessages}), so that it does not come back with every reconnect.
 * Publishing borrows a confirm-mode channel from a small pool (one thread at a time per channel): {@code mandatory},
 * confirms awaited once per batch; partitioned events persistent, the events on aggregate queues and their
 * announcements transient unless {@link RabbitMqSettings#persistentAggregateEvents()}. Each subscription has a channel of its own,
 * driven by its own {@link SerialExecutor} on the bus's worker threads (a listener that
 * {@link io.eventsource.ports.DeliveryListener#returnsAtOnce() returns at once}, as the core's consumers do, is called
 * on the client's dispatch thread while that executor is idle); an aggregate subscription that ends idle leaves
 * its channel to the next one (at most {@value #MAX_IDLE_CONSUMER_CHANNELS} wait), which spares the broker a channel's
 * opening and closing for each aggregate consumer that goes idle and starts again.
 */
@Singleton
final class RabbitMqMessageBus implements MessageBus {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqMessageBus.class);
    private static final int MAX_IDLE_PUBLISHING_CHANNELS = 16;
    /**
     * Channels kept for aggregate subscriptions to come, from those that ended idle. Aggregate consumers end idle and
     * start again at about the same rate, so that a few dozen spare the broker most channel openings and closings.
     */
    static final int MAX_IDLE_CONSUMER_CHANNELS = 64;
    private static final int CLOSE_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_ROUTE_ATTEMPTS = 3;
    /** How many routes of one batch {@link #declareRoutes} declares at once. */
    private static final int CONCURRENT_ROUTE_DECLARATIONS = 8;
    private static final int MAX_OVERSIZED_WINDOW = 1_000;
    private static final AtomicInteger BUS_NUMBERS = new AtomicInteger();
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    private final RabbitMqSettings settings;
    private final ExpiryPolicy expiry;
    private final Scheduler scheduler;
    private final Connection connection;
    private final Topology topology;
    private final QueueArguments arguments;
    private final ExecutorService workers;
    private final ConcurrentLinkedDeque<PublishingChannel> idleChannels = new ConcurrentLinkedDeque<>();
    /** Channels with the aggregate prefetch and no consumer, for the next aggregate subscriptions. */
    private final ConcurrentLinkedDeque<ConsumerChannel> idleConsumerChannels = new ConcurrentLinkedDeque<>();
    /** The aggregate and partition subscriptions not yet ended. */
    private final Set<QueueSubscription> queueSubscriptions = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<AggregateType, AggregateTopology> topologies = new ConcurrentHashMap<>();
    /** The partition queues declared, each with when to declare it again. */
    private final ConcurrentMap<PartitionQueue, Instant> declaredPartitions = new ConcurrentHashMap<>();
    private final Set<AnnouncementSubscription> announcementSubscriptions = ConcurrentHashMap.newKeySet();
    private final Object topologyLock = new Object();
    /** The announcement objects declared so far, with the queue's arguments (empty: bind the queue as it is). */
    private final Map<List<String>, Optional<Map<String, Object>>> declaredAnnouncements =
            new LinkedHashMap<>(); // guarded by topologyLock
    private Channel topologyChannel; // guarded by topologyLock
    private final Set<String> unboundedAnnouncementQueues = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean legacyAggregateQueueSeen = new AtomicBoolean();
    private final AtomicLong malformedMessages = new AtomicLong();
    private final AtomicLong oversizedMessages = new AtomicLong();
    private final Set<String> oversizedSuspects = ConcurrentHashMap.newKeySet();
    private final SerialExecutor quarantine;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final QueueSubscription.Owner owner = new QueueSubscription.Owner() {
        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public Duration idleTimeout() {
            return expiry.consumerIdleTimeout();
        }

        @Override
        public void malformed(String queue, MalformedMessageException reason) {
            RabbitMqMessageBus.this.malformed(queue, reason);
        }

        @Override
        public void oversized(String queue) {
            RabbitMqMessageBus.this.oversized(queue);
        }

        @Override
        public void ended(QueueSubscription subscription) {
            queueSubscriptions.remove(subscription);
        }

        @Override
        public void reuse(ConsumerChannel channel) {
            keepForReuse(channel);
        }
    };

    /**
     * A bus on a connection of its own to the settings' broker (recovery on, announcement filter).
     *
     * @throws io.eventsource.ports.PortException when the broker cannot be reached or refuses the credentials
     */
    @Inject
    RabbitMqMessageBus(RabbitMqSettings settings, ExpiryPolicy expiry, Scheduler scheduler) {
        this(settings, expiry, scheduler, RabbitMqConnections.open(settings));
    }

    /**
     * @param connection a connection opened by {@link RabbitMqConnections} (recovery on, announcement filter); the bus
     *                   owns it and closes it with itself
     */
    RabbitMqMessageBus(RabbitMqSettings settings, ExpiryPolicy expiry, Scheduler scheduler, Connection connection) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.topology = Topology.of(settings.namespace());
        this.arguments = new QueueArguments(settings.namespace(), expiry, settings.announcementMaxLength());
        int busNumber = BUS_NUMBERS.incrementAndGet();
        AtomicInteger threadNumbers = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "eventsource-rabbitmq-" + busNumber + "-" + threadNumbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        // listeners may block (they write acks to a database): threads grow with the subscriptions busy at once
        this.workers = Executors.newCachedThreadPool(threads);
        this.quarantine = new SerialExecutor(workers);
    }

    @Override
    public void useTopology(AggregateType type, AggregateTopology topology) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(topology, "topology");
        AggregateTopology used = topologies.putIfAbsent(type, topology);
        if (used != null && !used.equals(topology)) {
            throw new IllegalStateException(type + " already is " + used.describe() + " on this bus; it cannot become "
                    + topology.describe());
        }
    }

    private Optional<AggregateTopology.Partitioned> partitioned(AggregateType type) {
        return topologies.get(type) instanceof AggregateTopology.Partitioned partitioned ? Optional.of(partitioned)
                : Optional.empty();
    }

    private AggregateTopology.Partitioned partitionedOrRefuse(AggregateType type, String operation) {
        Objects.requireNonNull(type, "type");
        return partitioned(type).orElseThrow(() -> new IllegalStateException(operation + " is for partitioned types,"
                + " and " + type + " is " + topologies.getOrDefault(type, AggregateTopology.perAggregate())
                + " on this bus: call useTopology first"));
    }

    @Override
    public void declarePartitions(AggregateType type, ServiceName service) {
        Objects.requireNonNull(service, "service");
        AggregateTopology.Partitioned partitioned = partitionedOrRefuse(type, "declarePartitions");
        ensureOpen();
        List<PartitionQueue> queues = new ArrayList<>(partitioned.partitions());
        for (int partition = 0; partition < partitioned.partitions(); partition++) {
            queues.add(new PartitionQueue(type, partition, service));
        }
        Map<PartitionQueue, RouteCollisionException> refused = declarePartitionQueues(partitioned, queues, true,
                null, "Declaring the partitions of " + type + " for " + service);
        if (!refused.isEmpty()) {
            throw refused.values().iterator().next();
        }
    }

    @Override
    public Subscription subscribePartition(AggregateType type, int partition, ServiceName service, String instance,
                                           DeliveryListener listener) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(listener, "listener");
        AggregateTopology.Partitioned partitioned = partitionedOrRefuse(type, "subscribePartition");
        if (partition < 0 || partition >= partitioned.partitions()) {
            throw new InvalidValueException(type + " has partitions 0-" + (partitioned.partitions() - 1) + ", got "
                    + partition);
        }
        if (!INSTANCE.matcher(instance).matches()) {
            throw new InvalidValueException("an instance name must be 1-100 characters of [A-Za-z0-9_.:-], got \""
                    + Untrusted.text(instance, 100) + "\"");
        }
        ensureOpen();
        String queue = topology.partitionQueue(type, partition, service).value();
        String action = "Consuming partition queue " + queue;
        ConsumerChannel channel = openConsumerChannel(settings.partitionPrefetch(), action);
        PartitionSubscription subscription = new PartitionSubscription(type, queue, channel,
                new SerialExecutor(workers), listener, owner);
        queueSubscriptions.add(subscription);
        try {
            // unique per channel, which is all AMQP asks; and it names the instance to an operator
            subscription.start(instance + "-p" + partition);
            return subscription;
        } catch (IOException | ShutdownSignalException e) {
            queueSubscriptions.remove(subscription);
            closeQuietly(channel.channel());
            if (BrokerFailures.isNotFound(e)) {
                throw new PermanentPortException("Partition queue " + queue + " does not exist (expired, or never "
                        + "declared): declare the partitions of " + type + " for " + service + " first", e);
            }
            throw BrokerFailures.translate(action, e);
        }
    }

    /**
     * Declares the type's partition exchange and those of {@code queues} not remembered as declared ({@code force}:
     * all of them), each bound with its partition as routing key, on one channel. A queue that another binding holds
     * is refused, the others are declared.
     *
     * @param aggregate named in a refusal: the aggregate whose route is declared, or null
     * @return the refused queues, each with the reason
     */
    private Map<PartitionQueue, RouteCollisionException> declarePartitionQueues(
            AggregateTopology.Partitioned partitioned, Collection<PartitionQueue> queues, boolean force,
            AggregateRef aggregate, String action) {
        Instant now = scheduler.instant();
        List<PartitionQueue> todo = new ArrayList<>();
        for (PartitionQueue queue : queues) {
            Instant again = declaredPartitions.get(queue);
            if (force || again == null || !now.isBefore(again)) {
                todo.add(queue);
            }
        }
        Map<PartitionQueue, RouteCollisionException> refused = new LinkedHashMap<>();
        if (todo.isEmpty()) {
            return refused;
        }
        String exchange = topology.partitionExchange(todo.get(0).type()).value();
        // a third of the expiry, as the core caches aggregate routes: the queue outlives what we remember of it
        Instant again = now.plus(partitioned.queueExpiry().dividedBy(3));
        PublishingChannel channel = borrow(action);
        boolean healthy = false;
        try {
            channel.unrecorded().exchangeDeclare(exchange, BuiltinExchangeType.DIRECT, true, false, false, null);
            for (PartitionQueue queue : todo) {
                String name = topology.partitionQueue(queue.type(), queue.partition(), queue.service()).value();
                try {
                    channel.unrecorded().queueDeclare(name, true, false, false,
                            arguments.partitionQueue(queue.service(), partitioned.queueExpiry()));
                } catch (IOException | ShutdownSignalException e) {
                    refused.put(queue, partitionRefusal(name, queue, partitioned, aggregate, e));
                    // the refusal closed the channel
                    release(channel, false);
                    channel = borrow(action);
                    continue;
                }
                channel.unrecorded().queueBind(name, exchange, Integer.toString(queue.partition()));
                declaredPartitions.put(queue, again);
            }
            healthy = true;
            return refused;
        } catch (IOException | ShutdownSignalException e) {
            throw BrokerFailures.translate(action, e);
        } finally {
            release(channel, healthy);
        }
    }

    /**
     * Why the broker refused a partition queue: another binding holds its name (a namespace whose names spell it),
     * or it exists with another expiry or as an aggregate queue.
     *
     * @throws IOException or {@link ShutdownSignalException}: the failure itself, when it is no refusal of ours
     */
    private RouteCollisionException partitionRefusal(String name, PartitionQueue queue,
                                                     AggregateTopology.Partitioned partitioned, AggregateRef aggregate,
                                                     Exception failure) throws IOException {
        Optional<QueueArguments.Inequivalence> why = QueueArguments.inequivalence(failure);
        if (why.isPresent() && (QueueArguments.DEAD_LETTER_ROUTING_KEY.equals(why.get().argument())
                || QueueArguments.DEAD_LETTER_EXCHANGE.equals(why.get().argument()))) {
            return new RouteCollisionException(name, aggregate, queue.service(), why.get().currentIsNone() ? null
                    : holder(name, why.get()), failure);
        }
        if (why.isPresent() && QueueArguments.EXPIRES.equals(why.get().argument())) {
            throw new PermanentPortException("Partition queue " + name + " exists with " + QueueArguments.EXPIRES + " "
                    + Untrusted.text(why.get().current().orElse("(not said)")) + " ms, and this process declares it "
                    + "with " + partitioned.queueExpiry().toMillis() + " ms (" + partitioned.describe() + "): another "
                    + "process of the namespace uses " + queue.type() + " with another expiry, or an aggregate of a "
                    + "per-aggregate " + queue.type() + " spells the same queue name. Every process must use the "
                    + "same topology for a type", failure);
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        throw (ShutdownSignalException) failure;
    }

    /** The partition queues of a type the bus forgets: those of one partition, or all ({@code partition} -1). */
    private void forgetPartitions(AggregateType type, int partition) {
        declaredPartitions.keySet().removeIf(queue -> queue.type().equals(type)
                && (partition < 0 || queue.partition() == partition));
    }

    /** One partition queue of a service, as the bus remembers having declared it. */
    private record PartitionQueue(AggregateType type, int partition, ServiceName service) {
    }

    @Override
    public void declareAnnouncements(AggregateType type, ServiceName service) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        ensureOpen();
        List<String> names = List.of(topology.announcementExchange(type).value(),
                topology.announcementQueue(type, service).value());
        String action = "Declaring the announcements of " + type + " for " + service;
        synchronized (topologyLock) {
            try {
                Optional<Map<String, Object>> queueArguments = announcementQueueArguments(names.get(1), service, action);
                declareAnnouncements(topologyChannel(), names, queueArguments);
                declaredAnnouncements.put(names, queueArguments);
            } catch (IOException | ShutdownSignalException e) {
                throw BrokerFailures.translate(action, e);
            }
        }
    }

    private static void declareAnnouncements(Channel channel, List<String> names,
                                             Optional<Map<String, Object>> queueArguments) throws IOException {
        channel.exchangeDeclare(names.get(0), BuiltinExchangeType.FANOUT, true, false, false, null);
        if (queueArguments.isPresent()) {
            channel.queueDeclare(names.get(1), true, false, false, queueArguments.get());
        }
        channel.queueBind(names.get(1), names.get(0), "");
    }

    /**
     * The arguments to declare the announcement queue with: the bounded ones, or none (use the queue as it is) when it
     * exists without them. That case is tried on an unrecorded channel first: a refused declaration closes its
     * channel, and the topology channel must stay open, since recovery re-creates what it declared through it.
     */
    private Optional<Map<String, Object>> announcementQueueArguments(String queue, ServiceName service, String action) {
        PublishingChannel probe = borrow(action);
        boolean healthy = false;
        try {
            probe.unrecorded().queueDeclare(queue, true, false, false, arguments.announcementQueue());
            healthy = true;
            return Optional.of(arguments.announcementQueue());
        } catch (IOException | ShutdownSignalException e) {
            Optional<QueueArguments.Inequivalence> why = QueueArguments.inequivalence(e);
            if (why.isEmpty() || !(QueueArguments.MAX_LENGTH.equals(why.get().argument())
                    || QueueArguments.OVERFLOW.equals(why.get().argument()))) {
                throw BrokerFailures.translate(action, e);
            }
            if (unboundedAnnouncementQueues.add(queue)) {
                LOG.warn("Announcement queue {} exists without the bound this version gives it ({} {}, {} drop-head; "
                        + "the broker says: {} {}, current {}): it was declared by an earlier version or with other "
                        + "settings. Using it as it is, unbounded. To bound it, delete it while no instance of {} "
                        + "runs (the next one declares it bounded; the sweeper re-drives what lost announcements were "
                        + "for), or set a RabbitMQ policy with max-length and overflow drop-head on it",
                        queue, QueueArguments.MAX_LENGTH, settings.announcementMaxLength(), QueueArguments.OVERFLOW,
                        why.get().argument(), Untrusted.text(why.get().received().orElse("none")),
                        Untrusted.text(why.get().current().orElse(why.get().cut() ? "(not said)" : "none")),
                        service);
            }
            return Optional.empty();
        } finally {
            release(probe, healthy);
        }
    }

    /**
     * The channel the announcement topology is declared on. The client recovers a recorded object through the
     * channel that declared it, so that channel lives as long as the bus; if a broker error closed it, a new one
     * re-declares everything declared so far, so that the records point at a live channel again.
     */
    private Channel topologyChannel() throws IOException {
        if (topologyChannel != null && topologyChannel.isOpen()) {
            return topologyChannel;
        }
        if (topologyChannel != null && !connection.isOpen()) {
            throw new TransientPortException("The connection to RabbitMQ is lost and being recovered");
        }
        if (topologyChannel != null) {
            closeQuietly(topologyChannel);
        }
        topologyChannel = createChannel();
        for (Map.Entry<List<String>, Optional<Map<String, Object>>> declared : declaredAnnouncements.entrySet()) {
            declareAnnouncements(topologyChannel, declared.getKey(), declared.getValue());
        }
        return topologyChannel;
    }

    @Override
    public void declareRoute(AggregateRef aggregate, Set<ServiceName> services) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(services, "services");
        ensureOpen();
        Optional<AggregateTopology.Partitioned> partitioned = partitioned(aggregate.type());
        if (partitioned.isPresent()) {
            RouteCollisionException refused = declarePartitionRoutes(Map.of(aggregate, services)).get(aggregate);
            if (refused != null) {
                throw refused;
            }
            return;
        }
        String exchange = topology.aggregateExchange(aggregate).value();
        List<ServiceName> serviceList = new ArrayList<>(services.size());
        List<String> queues = new ArrayList<>(services.size());
        for (ServiceName service : services) {
            serviceList.add(Objects.requireNonNull(service, "service"));
            queues.add(topology.aggregateQueue(aggregate, service).value());
        }
        String action = "Declaring the route of " + aggregate + " for " + services;
        for (int attempt = 1; ; attempt++) {
            PublishingChannel[] channel = {borrow(action)};
            boolean healthy = false;
            try {
                // the queues first: a queue another binding holds is refused before this route's exchange exists
                for (int i = 0; i < queues.size(); i++) {
                    declareAggregateQueue(channel, queues.get(i), aggregate, serviceList.get(i), action);
                }
                Channel unrecorded = channel[0].unrecorded();
                unrecorded.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, true, false, null);
                for (String queue : queues) {
                    unrecorded.queueBind(queue, exchange, "");
                }
                healthy = true;
                return;
            } catch (IOException | ShutdownSignalException e) {
                if (attempt < MAX_ROUTE_ATTEMPTS && BrokerFailures.isNotFound(e)) {
                    // the exchange auto-deleted between our declare and a bind (another service's last queue of
                    // this aggregate expired just then): declare again, on a fresh channel
                    LOG.debug("{}: the exchange vanished during the declaration; declaring again", action);
                    continue;
                }
                throw BrokerFailures.translate(action, e);
            } finally {
                release(channel[0], healthy);
            }
        }
    }

    /**
     * Declares the routes {@value #CONCURRENT_ROUTE_DECLARATIONS} at a time, each on a channel of its own: creating a
     * queue is the broker's slowest step on the publishing path, and it creates different queues in parallel. The
     * first failure of the broker stops the others (those started finish) and is thrown.
     */
    @Override
    public Map<AggregateRef, RouteCollisionException> declareRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
        Objects.requireNonNull(routes, "routes");
        ensureOpen();
        Map<AggregateRef, Set<ServiceName>> partitionRoutes = new LinkedHashMap<>();
        Map<AggregateRef, Set<ServiceName>> aggregateRoutes = new LinkedHashMap<>();
        routes.forEach((aggregate, services) -> (partitioned(aggregate.type()).isPresent() ? partitionRoutes
                : aggregateRoutes).put(aggregate, services));
        if (partitionRoutes.isEmpty()) {
            return declareAggregateRoutes(routes);
        }
        Map<AggregateRef, RouteCollisionException> refused =
                new LinkedHashMap<>(declarePartitionRoutes(partitionRoutes));
        refused.putAll(declareAggregateRoutes(aggregateRoutes));
        return inOrderOf(routes, refused);
    }

    /**
     * The routes of aggregates of partitioned types: the partition queues they hash onto, per type, with one
     * declaration of each queue not remembered as declared, whatever the number of aggregates on it.
     */
    private Map<AggregateRef, RouteCollisionException> declarePartitionRoutes(
            Map<AggregateRef, Set<ServiceName>> routes) {
        Map<AggregateType, Map<PartitionQueue, List<AggregateRef>>> byType = new LinkedHashMap<>();
        routes.forEach((aggregate, services) -> {
            int partition = partitioned(aggregate.type()).orElseThrow().partitionOf(aggregate.id());
            Map<PartitionQueue, List<AggregateRef>> queues = byType.computeIfAbsent(aggregate.type(),
                    type -> new LinkedHashMap<>());
            for (ServiceName service : services) {
                queues.computeIfAbsent(new PartitionQueue(aggregate.type(), partition,
                        Objects.requireNonNull(service, "service")), queue -> new ArrayList<>()).add(aggregate);
            }
        });
        Map<AggregateRef, RouteCollisionException> refused = new LinkedHashMap<>();
        byType.forEach((type, queues) -> {
            if (queues.isEmpty()) {
                // routes without services still have their exchange, as an aggregate's has: publishing is Unroutable
                declarePartitionExchange(type);
                return;
            }
            AggregateRef first = queues.values().iterator().next().get(0);
            String action = queues.size() == 1 ? "Declaring the route of " + first
                    : "Declaring the routes of " + routes.size() + " aggregates of " + type;
            Map<PartitionQueue, RouteCollisionException> refusedQueues = declarePartitionQueues(
                    partitioned(type).orElseThrow(), queues.keySet(), false, queues.size() == 1 ? first : null,
                    action);
            refusedQueues.forEach((queue, why) -> {
                for (AggregateRef aggregate : queues.get(queue)) {
                    refused.putIfAbsent(aggregate, aggregate.equals(why.aggregate()) ? why
                            : new RouteCollisionException(why.queue(), aggregate, why.service(),
                            why.holder().orElse(null), why.getCause()));
                }
            });
        });
        return refused;
    }

    private void declarePartitionExchange(AggregateType type) {
        String exchange = topology.partitionExchange(type).value();
        String action = "Declaring exchange " + exchange;
        PublishingChannel channel = borrow(action);
        boolean healthy = false;
        try {
            channel.unrecorded().exchangeDeclare(exchange, BuiltinExchangeType.DIRECT, true, false, false, null);
            healthy = true;
        } catch (IOException | ShutdownSignalException e) {
            throw BrokerFailures.translate(action, e);
        } finally {
            release(channel, healthy);
        }
    }

    private Map<AggregateRef, RouteCollisionException> declareAggregateRoutes(
            Map<AggregateRef, Set<ServiceName>> routes) {
        if (routes.size() < 2) {
            return MessageBus.super.declareRoutes(routes);
        }
        Map<AggregateRef, RouteCollisionException> refused = new ConcurrentHashMap<>();
        String action = "Declaring the routes of " + routes.size() + " aggregates";
        forEachConcurrently(routes, action, (aggregate, services) -> {
            try {
                declareRoute(aggregate, services);
            } catch (RouteCollisionException e) {
                refused.put(aggregate, e);
            }
        });
        return inOrderOf(routes, refused);
    }

    /** The refusals in the order of the routes they concern. */
    private static Map<AggregateRef, RouteCollisionException> inOrderOf(
            Map<AggregateRef, Set<ServiceName>> routes, Map<AggregateRef, RouteCollisionException> refused) {
        Map<AggregateRef, RouteCollisionException> inOrder = new LinkedHashMap<>();
        for (AggregateRef aggregate : routes.keySet()) {
            RouteCollisionException why = refused.get(aggregate);
            if (why != null) {
                inOrder.put(aggregate, why);
            }
        }
        return inOrder;
    }

    /** Passive declarations of each route's queues, {@value #CONCURRENT_ROUTE_DECLARATIONS} routes at a time. */
    @Override
    public Set<AggregateRef> renewRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
        Objects.requireNonNull(routes, "routes");
        ensureOpen();
        Set<AggregateRef> notRenewed = ConcurrentHashMap.newKeySet();
        // a partitioned type's aggregate has no queue of its own to renew: no channel or thread is taken for it
        Map<AggregateRef, Set<ServiceName>> perAggregate = new LinkedHashMap<>();
        routes.forEach((aggregate, services) -> {
            if (partitioned(aggregate.type()).isPresent()) {
                notRenewed.add(aggregate);
            } else {
                perAggregate.put(aggregate, services);
            }
        });
        String action = "Renewing the routes of " + perAggregate.size() + " aggregates";
        forEachConcurrently(perAggregate, action, (aggregate, services) -> {
            if (!renewRoute(aggregate, services)) {
                notRenewed.add(aggregate);
            }
        });
        Set<AggregateRef> inOrder = new LinkedHashSet<>();
        for (AggregateRef aggregate : routes.keySet()) {
            if (notRenewed.contains(aggregate)) {
                inOrder.add(aggregate);
            }
        }
        return inOrder;
    }

    /**
     * Passive declarations of the route's queues (each restarts its queue's {@code x-expires} period) for an aggregate
     * of the per-aggregate topology; false at the first queue that does not exist, whose 404 closes the channel.
     */
    private boolean renewRoute(AggregateRef aggregate, Set<ServiceName> services) {
        Objects.requireNonNull(aggregate, "aggregate");
        String action = "Renewing the route of " + aggregate + " for " + services;
        PublishingChannel channel = borrow(action);
        boolean healthy = false;
        try {
            for (ServiceName service : services) {
                channel.unrecorded().queueDeclarePassive(topology.aggregateQueue(aggregate,
                        Objects.requireNonNull(service, "service")).value());
            }
            healthy = true;
            return true;
        } catch (IOException | ShutdownSignalException e) {
            if (BrokerFailures.isNotFound(e)) {
                return false;
            }
            throw BrokerFailures.translate(action, e);
        } finally {
            release(channel, healthy);
        }
    }

    /**
     * Runs {@code work} for each route on up to {@value #CONCURRENT_ROUTE_DECLARATIONS} threads, this one among them,
     * each call on a channel of its own: a declaration is a round trip per queue, exchange and binding, and the broker
     * answers several channels at once. The first failure stops what has not started and is thrown.
     */
    private void forEachConcurrently(Map<AggregateRef, Set<ServiceName>> routes, String action,
                                     BiConsumer<AggregateRef, Set<ServiceName>> work) {
        List<Map.Entry<AggregateRef, Set<ServiceName>>> todo = new ArrayList<>(routes.entrySet());
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < todo.size() && failure.get() == null; i = next.getAndIncrement()) {
                try {
                    work.accept(todo.get(i).getKey(), todo.get(i).getValue());
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        List<Future<?>> helpers = new ArrayList<>();
        for (int t = 1; t < Math.min(CONCURRENT_ROUTE_DECLARATIONS, todo.size()); t++) {
            helpers.add(workers.submit(worker));
        }
        worker.run();
        for (Future<?> helper : helpers) {
            try {
                helper.get();
            } catch (ExecutionException e) {
                failure.compareAndSet(null, e.getCause() instanceof RuntimeException cause ? cause
                        : new TransientPortException(action + " failed", e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new TransientPortException(action + " was interrupted", e));
                next.set(todo.size());
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * Declares one aggregate queue with the binding it belongs to. A queue that exists for another binding is a
     * {@link RouteCollisionException}; one that exists without a binding (declared by an earlier version) is used
     * as it is until it expires. Either refusal closes the channel: {@code channel[0]} is then a fresh one.
     */
    private void declareAggregateQueue(PublishingChannel[] channel, String queue, AggregateRef aggregate,
                                       ServiceName service, String action) throws IOException {
        try {
            channel[0].unrecorded().queueDeclare(queue, true, false, false, arguments.aggregateQueue(service));
        } catch (IOException | ShutdownSignalException e) {
            Optional<QueueArguments.Inequivalence> why = QueueArguments.inequivalence(e);
            if (why.isEmpty() || !(QueueArguments.DEAD_LETTER_ROUTING_KEY.equals(why.get().argument())
                    || QueueArguments.DEAD_LETTER_EXCHANGE.equals(why.get().argument()))) {
                throw e;
            }
            if (!why.get().currentIsNone()) {
                throw new RouteCollisionException(queue, aggregate, service, holder(queue, why.get()), e);
            }
            if (legacyAggregateQueueSeen.compareAndSet(false, true)) {
                LOG.warn("Aggregate queue {} carries no binding (declared by an earlier version of eventsource); "
                        + "using it, and others like it, as it is until it expires. Queues declared from now on carry "
                        + "their binding, so that two bindings never share one", queue);
            } else {
                LOG.debug("Aggregate queue {} carries no binding; using it as it is", queue);
            }
            release(channel[0], false);
            channel[0] = borrow(action);
        }
    }

    /** The binding a refused queue belongs to, in words, from what the broker said it holds; null if it did not say. */
    private String holder(String queue, QueueArguments.Inequivalence why) {
        if (why.current().isEmpty()) {
            return null;
        }
        String current = why.current().get();
        if (QueueArguments.DEAD_LETTER_EXCHANGE.equals(why.argument())) {
            String namespace = current.endsWith(QueueArguments.REJECTED_EXCHANGE)
                    ? current.substring(0, current.length() - QueueArguments.REJECTED_EXCHANGE.length()) : null;
            return namespace == null ? "whose queues dead-letter to " + Untrusted.text(current, 100)
                    : namespace.isEmpty() ? "a binding of no namespace" : "a binding of namespace "
                    + Untrusted.text(namespace, 100);
        }
        String prefix = settings.namespace().prefix();
        String suffix = "-" + current;
        if (queue.startsWith(prefix) && queue.endsWith(suffix) && queue.length() > prefix.length() + suffix.length()) {
            return queue.substring(prefix.length(), queue.length() - suffix.length()) + " for service "
                    + Untrusted.text(current, 100);
        }
        return "a binding of service " + Untrusted.text(current, 100);
    }

    private List<EventEnvelope.Message> encoded(AggregateRef aggregate, List<Event> events) {
        // a partition queue holds what a service down for long comes back to; an aggregate queue is a buffer
        boolean persistent = settings.persistentAggregateEvents() || partitioned(aggregate.type()).isPresent();
        List<EventEnvelope.Message> messages = new ArrayList<>(events.size());
        for (Event event : events) {
            if (!aggregate.equals(event.aggregate())) {
                throw new IllegalArgumentException("publish(" + aggregate + ", ...) got an event of another aggregate: "
                        + event);
            }
            PayloadLimit.ofBytes(settings.payloadLimit()).check(event, "RabbitMqSettings.payloadLimit");
            messages.add(EventEnvelope.encode(event, persistent));
        }
        return messages;
    }

    @Override
    public PublishResult publish(AggregateRef aggregate, List<Event> events) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(events, "events");
        List<EventEnvelope.Message> messages = encoded(aggregate, events);
        ensureOpen();
        if (messages.isEmpty()) {
            return new PublishResult.Routed();
        }
        PublishResult result = send(eventRoute(aggregate), messages,
                "Publishing " + messages.size() + " events of " + aggregate);
        forgetIfNotRouted(aggregate, result);
        return result;
    }

    /**
     * Where an aggregate's events go: its own exchange, or its type's partition exchange with its partition as
     * routing key.
     */
    private PublishingChannel.Route eventRoute(AggregateRef aggregate) {
        Optional<AggregateTopology.Partitioned> partitioned = partitioned(aggregate.type());
        if (partitioned.isEmpty()) {
            return PublishingChannel.Route.fanout(topology.aggregateExchange(aggregate).value());
        }
        return new PublishingChannel.Route(topology.partitionExchange(aggregate.type()).value(),
                Integer.toString(partitioned.get().partitionOf(aggregate.id())));
    }

    /** A partition's queues that took nothing are gone (deleted, or expired behind our back): declare them again. */
    private void forgetIfNotRouted(AggregateRef aggregate, PublishResult result) {
        Optional<AggregateTopology.Partitioned> partitioned = partitioned(aggregate.type());
        if (partitioned.isPresent() && !result.isRouted()) {
            forgetPartitions(aggregate.type(), result instanceof PublishResult.ExchangeMissing ? -1
                    : partitioned.get().partitionOf(aggregate.id()));
        }
    }

    /**
     * Every aggregate's events on one channel with one wait for confirms; the aggregates of one partition go one
     * after the other, each in order. A missing exchange (an aggregate's route auto-deleted) makes the broker close
     * the channel, leaving unknown which messages went: then each aggregate is published again on its own (consumers
     * skip what they see twice), which reports the missing one as such.
     */
    @Override
    public Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
        Objects.requireNonNull(events, "events");
        Map<PublishingChannel.Route, List<EventEnvelope.Message>> byRoute = new LinkedHashMap<>();
        Map<AggregateRef, PublishingChannel.Route> routes = new LinkedHashMap<>();
        addEvents(events, byRoute, routes);
        Map<AggregateRef, PublishResult> results = sendAll(byRoute, routes,
                "Publishing the events of " + events.size() + " aggregates",
                aggregate -> publish(aggregate, events.get(aggregate)));
        results.forEach(this::forgetIfNotRouted);
        return results;
    }

    /**
     * The events, then the announcements, on one channel with one wait for confirms; see {@link #publishAll}. A
     * missing announcement exchange (no service ever declared the type's announcements) closes the channel after
     * every event went; a missing aggregate exchange closes it before the announcements, which then go on their own.
     */
    @Override
    public Map<AggregateRef, PublishResult> publishAndAnnounce(Map<AggregateRef, List<Event>> events,
                                                               Collection<AggregateRef> announce) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(announce, "announce");
        Map<PublishingChannel.Route, List<EventEnvelope.Message>> byRoute = new LinkedHashMap<>();
        Map<AggregateRef, PublishingChannel.Route> routes = new LinkedHashMap<>();
        addEvents(events, byRoute, routes);
        addAnnouncements(announce, byRoute, new LinkedHashMap<>());
        AtomicBoolean cutShort = new AtomicBoolean();
        Map<AggregateRef, PublishResult> results = sendAll(byRoute, routes,
                "Publishing the events of " + events.size() + " aggregates and announcing " + announce.size(),
                aggregate -> {
                    cutShort.set(true);
                    return publish(aggregate, events.get(aggregate));
                });
        results.forEach(this::forgetIfNotRouted);
        if (cutShort.get()) {
            announceAll(announce);
        }
        return results;
    }

    /**
     * Every announcement on one channel with one wait for confirms; see {@link #publishAll}. Aggregates of a
     * partitioned type are not announced.
     */
    @Override
    public Map<AggregateRef, PublishResult> announceAll(Collection<AggregateRef> aggregates) {
        Objects.requireNonNull(aggregates, "aggregates");
        Map<PublishingChannel.Route, List<EventEnvelope.Message>> byRoute = new LinkedHashMap<>();
        Map<AggregateRef, PublishingChannel.Route> routes = new LinkedHashMap<>();
        addAnnouncements(aggregates, byRoute, routes);
        Map<AggregateRef, PublishResult> sent = sendAll(byRoute, routes, "Announcing " + aggregates.size()
                + " aggregates", this::announce);
        Map<AggregateRef, PublishResult> results = new LinkedHashMap<>();
        for (AggregateRef aggregate : aggregates) {
            results.put(aggregate, sent.getOrDefault(aggregate, new PublishResult.Routed()));
        }
        return results;
    }

    /** Adds each aggregate's events to its route, in order, and remembers the route of each aggregate. */
    private void addEvents(Map<AggregateRef, List<Event>> events,
                           Map<PublishingChannel.Route, List<EventEnvelope.Message>> byRoute,
                           Map<AggregateRef, PublishingChannel.Route> routes) {
        for (Map.Entry<AggregateRef, List<Event>> entry : events.entrySet()) {
            PublishingChannel.Route route = eventRoute(entry.getKey());
            routes.put(entry.getKey(), route);
            byRoute.computeIfAbsent(route, r -> new ArrayList<>()).addAll(encoded(entry.getKey(), entry.getValue()));
        }
    }

    /** Adds an announcement of each aggregate of a type with announcements (not a partitioned one), in order. */
    private void addAnnouncements(Collection<AggregateRef> aggregates,
                                  Map<PublishingChannel.Route, List<EventEnvelope.Message>> byRoute,
                                  Map<AggregateRef, PublishingChannel.Route> routes) {
        for (AggregateRef aggregate : aggregates) {
            if (partitioned(aggregate.type()).isPresent()) {
                continue;
            }
            PublishingChannel.Route route = PublishingChannel.Route.fanout(
                    topology.announcementExchange(aggregate.type()).value());
            routes.put(aggregate, route);
            byRoute.computeIfAbsent(route, r -> new ArrayList<>()).add(announcement(aggregate));
        }
    }

    /**
     * Publishes every route's messages on one channel with one wait for confirms. A missing exchange (an
     * aggregate's route auto-deleted) makes the broker close the channel at that message: what came before it was
     * routed, and that aggregate and those after it are published again one at a time, which reports the missing
     * one as such.
     */
    private Map<AggregateRef, PublishResult> sendAll(Map<PublishingChannel.Route, List<EventEnvelope.Message>> byRoute,
                                                     Map<AggregateRef, PublishingChannel.Route> routes, String action,
                                                     Function<AggregateRef, PublishResult> alone) {
        ensureOpen();
        if (byRoute.isEmpty()) {
            return new LinkedHashMap<>();
        }
        Set<PublishingChannel.Route> returned;
        String missing = null;
        PublishingChannel channel = borrow(action);
        boolean healthy = false;
        try {
            returned = channel.publishAll(byRoute, settings.confirmBatchSize(), settings.publishTimeout().toMillis());
            healthy = true;
        } catch (IOException | ShutdownSignalException e) {
            if (!BrokerFailures.isNotFound(e)) {
                throw BrokerFailures.translate(action, e);
            }
            returned = channel.returnedSoFar();
            missing = BrokerFailures.missingExchange(e)
                    .filter(exchange -> byRoute.keySet().stream().anyMatch(route -> route.exchange().equals(exchange)))
                    .orElse("");
        } catch (TimeoutException e) {
            throw new TransientPortException(action + ": the broker did not confirm within "
                    + settings.publishTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientPortException(action + " was interrupted while waiting for confirms", e);
        } finally {
            release(channel, healthy);
        }
        Map<AggregateRef, PublishResult> results = new LinkedHashMap<>();
        // an unknown missing exchange ("") leaves nothing known as sent: everything again, one at a time
        boolean sentBefore = missing == null || !missing.isEmpty();
        for (Map.Entry<AggregateRef, PublishingChannel.Route> entry : routes.entrySet()) {
            PublishingChannel.Route route = entry.getValue();
            if (route.exchange().equals(missing)) {
                sentBefore = false;
            }
            if (!sentBefore) {
                results.put(entry.getKey(), alone.apply(entry.getKey()));
            } else {
                results.put(entry.getKey(), returned.contains(route) ? new PublishResult.Unroutable(route.exchange())
                        : new PublishResult.Routed());
            }
        }
        return results;
    }

    /** Nothing for a partitioned type: its services consume their partitions, whatever aggregates have news. */
    @Override
    public PublishResult announce(AggregateRef aggregate) {
        Objects.requireNonNull(aggregate, "aggregate");
        ensureOpen();
        if (partitioned(aggregate.type()).isPresent()) {
            return new PublishResult.Routed();
        }
        return send(PublishingChannel.Route.fanout(topology.announcementExchange(aggregate.type()).value()),
                List.of(announcement(aggregate)), "Announcing " + aggregate);
    }

    /**
     * An aggregate's announcement, as durable as the events it announces: what it tells of is on the aggregate's
     * queues, which a broker restart empties unless their events are persistent, and the log and the sweeper cover
     * whatever a restart takes, announcements included.
     */
    private EventEnvelope.Message announcement(AggregateRef aggregate) {
        return EventEnvelope.encodeAnnouncement(aggregate, settings.persistentAggregateEvents());
    }

    private PublishResult send(PublishingChannel.Route route, List<EventEnvelope.Message> messages, String action) {
        PublishingChannel channel = borrow(action);
        boolean healthy = false;
        try {
            PublishResult result = channel.publish(route, messages, settings.confirmBatchSize(),
                    settings.publishTimeout().toMillis());
            healthy = true;
            return result;
        } catch (IOException | ShutdownSignalException e) {
            if (BrokerFailures.isNotFound(e)) {
                // the broker closed the channel with 404; release() drops it, the next publish gets a fresh one
                return new PublishResult.ExchangeMissing(route.exchange());
            }
            throw BrokerFailures.translate(action, e);
        } catch (TimeoutException e) {
            throw new TransientPortException(action + ": the broker did not confirm within "
                    + settings.publishTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientPortException(action + " was interrupted while waiting for confirms", e);
        } finally {
            release(channel, healthy);
        }
    }

    private PublishingChannel borrow(String action) {
        PublishingChannel channel;
        while ((channel = idleChannels.pollFirst()) != null) {
            if (channel.isOpen()) {
                return channel;
            }
            channel.close();
        }
        try {
            return new PublishingChannel(createChannel());
        } catch (IOException | ShutdownSignalException e) {
            throw BrokerFailures.translate(action + ": opening a channel", e);
        }
    }

    /** Returns a channel to the pool; one that failed in any way is closed, never reused. */
    private void release(PublishingChannel channel, boolean healthy) {
        if (healthy && channel.isOpen() && !closed.get() && idleChannels.size() < MAX_IDLE_PUBLISHING_CHANNELS) {
            idleChannels.addFirst(channel);
        } else {
            channel.close();
        }
    }

    @Override
    public Subscription subscribeAnnouncements(AggregateType type, ServiceName service, AnnouncementListener listener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(listener, "listener");
        ensureOpen();
        String queue = topology.announcementQueue(type, service).value();
        String action = "Consuming announcement queue " + queue;
        Channel channel = openChannel(action);
        AnnouncementSubscription subscription = new AnnouncementSubscription(type, queue, channel,
                new SerialExecutor(workers), listener, this::malformed, this::oversized,
                announcementSubscriptions::remove);
        announcementSubscriptions.add(subscription);
        try {
            channel.queueDeclarePassive(queue);
            subscription.start(settings.prefetch());
            return subscription;
        } catch (IOException | ShutdownSignalException e) {
            announcementSubscriptions.remove(subscription);
            closeQuietly(channel);
            if (BrokerFailures.isNotFound(e)) {
                throw new PermanentPortException("Announcement queue " + queue + " does not exist: declare it first "
                        + "(declareAnnouncements(" + type + ", " + service + "))", e);
            }
            throw BrokerFailures.translate(action, e);
        }
    }

    @Override
    public Subscription subscribeAggregate(AggregateRef aggregate, ServiceName service, DeliveryListener listener) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(listener, "listener");
        ensureOpen();
        if (partitioned(aggregate.type()).isPresent()) {
            throw new IllegalStateException(aggregate.type() + " is " + topologies.get(aggregate.type()) + " on this"
                    + " bus: its aggregates have no queues of their own; consume its partitions with"
                    + " subscribePartition");
        }
        String queue = topology.aggregateQueue(aggregate, service).value();
        String action = "Consuming aggregate queue " + queue;
        ConsumerChannel channel = reusedConsumerChannel().orElseGet(() -> openConsumerChannel(settings.prefetch(),
                action));
        AggregateSubscription subscription = new AggregateSubscription(aggregate, queue, channel,
                new SerialExecutor(workers), listener, owner);
        queueSubscriptions.add(subscription);
        try {
            subscription.start();
            return subscription;
        } catch (IOException | ShutdownSignalException e) {
            // a consume refused for a missing queue closes the channel: the broker's doing, not ours
            queueSubscriptions.remove(subscription);
            closeQuietly(channel.channel());
            if (BrokerFailures.isNotFound(e)) {
                throw new PermanentPortException("Aggregate queue " + queue + " does not exist (expired, or never "
                        + "declared): declare the route of " + aggregate + " first", e);
            }
            throw BrokerFailures.translate(action, e);
        }
    }

    private Channel openChannel(String action) {
        try {
            return createChannel();
        } catch (IOException | ShutdownSignalException e) {
            throw BrokerFailures.translate(action + ": opening a channel", e);
        }
    }

    /** A new channel for one subscription, with its prefetch set on the side it consumes on. */
    private ConsumerChannel openConsumerChannel(int prefetch, String action) {
        Channel channel = openChannel(action);
        Channel consuming = ConsumerChannel.consumingSideOf(channel);
        try {
            consuming.basicQos(prefetch);
            return new ConsumerChannel(channel, consuming, prefetch);
        } catch (IOException | ShutdownSignalException e) {
            closeQuietly(channel);
            throw BrokerFailures.translate(action + ": setting the prefetch", e);
        }
    }

    /** A channel an idle aggregate subscription left, still fit to consume on; those that are not are closed. */
    private Optional<ConsumerChannel> reusedConsumerChannel() {
        ConsumerChannel channel;
        while ((channel = idleConsumerChannels.pollFirst()) != null) {
            if (channel.isReusable()) {
                return Optional.of(channel);
            }
            closeQuietly(channel.channel());
        }
        return Optional.empty();
    }

    /** How many channels wait for the next aggregate subscriptions (for tests). */
    int idleConsumerChannels() {
        return idleConsumerChannels.size();
    }

    /** Keeps a channel for the next aggregate subscription (a bus closing meanwhile closes it with its connection). */
    private void keepForReuse(ConsumerChannel channel) {
        if (!closed.get() && channel.prefetch() == settings.prefetch() && channel.isReusable()
                && idleConsumerChannels.size() < MAX_IDLE_CONSUMER_CHANNELS) {
            idleConsumerChannels.addFirst(channel);
        } else {
            closeQuietly(channel.channel());
        }
    }

    /** A new channel; at the connection's channel-max, the channels kept for aggregate subscriptions make room. */
    private Channel createChannel() throws IOException {
        Channel channel = connection.createChannel();
        ConsumerChannel kept;
        while (channel == null && (kept = idleConsumerChannels.pollLast()) != null) {
            closeQuietly(kept.channel());
            channel = connection.createChannel();
        }
        if (channel == null) {
            throw new IOException("the broker has no free channel on this connection (channel-max reached)");
        }
        return channel;
    }

    private void malformed(String queue, MalformedMessageException reason) {
        long count = malformedMessages.incrementAndGet();
        LOG.warn("Rejected a malformed message on {} without requeue ({} so far): {}", queue, count,
                Untrusted.text(reason.getMessage()));
    }

    /**
     * A subscription's connection closed because the client refused a message body over the inbound limit, maybe one
     * of this queue's: look through the queue's head and drop such messages, before recovery consumes again.
     */
    private void oversized(String queue) {
        if (!closed.get() && oversizedSuspects.add(queue)) {
            quarantine.execute(this::dropOversized);
        }
    }

    /**
     * Looks through every suspect queue (each subscription of the lost connection reported its own) on one probe
     * connection, one queue at a time; a run that finds no suspects left (an earlier one took them) does nothing.
     */
    private void dropOversized() {
        if (oversizedSuspects.isEmpty()) {
            return;
        }
        ConnectionFactory factory = RabbitMqConnections.factory(settings);
        try (OversizedMessages probe = new OversizedMessages(factory, Math.min(2 * settings.prefetch(),
                MAX_OVERSIZED_WINDOW))) {
            for (Iterator<String> suspects = oversizedSuspects.iterator(); suspects.hasNext() && !closed.get(); ) {
                String queue = suspects.next();
                suspects.remove();
                try {
                    int dropped = probe.dropFrom(queue);
                    if (dropped > 0) {
                        long count = oversizedMessages.addAndGet(dropped);
                        malformedMessages.addAndGet(dropped);
                        LOG.warn("Dropped {} message(s) over the inbound limit of {} bytes from {} without reading "
                                + "them ({} so far): the client closes its connection on such a message, which would "
                                + "return with every reconnect. Only a foreign or forged publisher sends one: check "
                                + "who may write to this namespace's exchanges", dropped,
                                settings.maxInboundMessageSize(), queue, count);
                    }
                } catch (IOException | TimeoutException | ShutdownSignalException e) {
                    if (BrokerFailures.isNotFound(e)) {
                        LOG.debug("{} is gone, and whatever it held with it", queue);
                    } else {
                        LOG.warn("Could not look through {} for a message over the inbound limit ({}); the next "
                                + "refusal looks again", queue, Untrusted.text(e));
                    }
                }
            }
        }
    }

    /** How many malformed messages (not our envelope, wrong version, invalid event, oversized) the bus has dropped. */
    long malformedMessages() {
        return malformedMessages.get();
    }

    /** How many messages over the inbound limit the bus has dropped from its queues. */
    long oversizedMessages() {
        return oversizedMessages.get();
    }

    /** The subscriptions not yet ended, aggregate, partition and announcement ones. */
    int openSubscriptions() {
        return queueSubscriptions.size() + announcementSubscriptions.size();
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The RabbitMQ message bus is closed");
        }
    }

    /** The connection is open (not lost and being recovered) and the bus is not closed. */
    @Override
    public boolean isConnected() {
        return !closed.get() && connection.isOpen();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        new HashSet<>(queueSubscriptions).forEach(QueueSubscription::abandon);
        new HashSet<>(announcementSubscriptions).forEach(AnnouncementSubscription::abandon);
        PublishingChannel channel;
        while ((channel = idleChannels.pollFirst()) != null) {
            channel.close();
        }
        idleConsumerChannels.clear(); // closed with the connection
        try {
            connection.close(CLOSE_TIMEOUT_MILLIS);
        } catch (IOException | ShutdownSignalException e) {
            LOG.debug("Closing the RabbitMQ connection failed; it is gone anyway", e);
        } catch (RuntimeException e) {
            LOG.warn("Closing the RabbitMQ connection failed", e);
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // already closed by the broker, or the connection is gone
        }
    }

    @Override
    public String toString() {
        return "RabbitMqMessageBus[" + settings + "]";
    }
}
