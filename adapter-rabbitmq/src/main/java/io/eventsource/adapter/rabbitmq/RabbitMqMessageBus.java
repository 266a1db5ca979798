package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.recovery.AutorecoveringChannel;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.AnnouncementListener;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.Subscription;
import io.eventsource.ports.TransientPortException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link MessageBus} on one amqp-client connection, with the seed's topology under the settings' namespace:
 * <ul>
 *   <li>{@code {Type}AggregateIds}: fanout exchange, durable; {@code {Type}AggregateIds-{service}}: durable queue
 *       bound to it. Declared on a long-lived channel, so that the client's topology recovery re-creates them, and
 *       their consumers, after a lost connection.</li>
 *   <li>{@code {Type}-{id}}: fanout exchange, durable, auto-delete; {@code {Type}-{id}-{service}}: durable queue with
 *       {@code x-expires} (the expiry policy's queue expiry) and {@code x-single-active-consumer}. Declared and
 *       consumed on the underlying channel of a recovering channel, so that the client never records them: its
 *       recovery would re-create every aggregate queue ever declared, long expired, and its records would grow with
 *       every aggregate seen.</li>
 * </ul>
 * Publishing borrows a confirm-mode channel from a small pool (one thread at a time per channel): persistent,
 * {@code mandatory}, confirms awaited once per batch. Each subscription has a channel of its own, driven by its own
 * {@link SerialExecutor} on the bus's worker threads.
 */
@Singleton
final class RabbitMqMessageBus implements MessageBus {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqMessageBus.class);
    private static final int MAX_IDLE_PUBLISHING_CHANNELS = 16;
    private static final int CLOSE_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_ROUTE_ATTEMPTS = 3;
    private static final AtomicInteger BUS_NUMBERS = new AtomicInteger();

    private final RabbitMqSettings settings;
    private final ExpiryPolicy expiry;
    private final Scheduler scheduler;
    private final Connection connection;
    private final Topology topology;
    private final Map<String, Object> aggregateQueueArguments;
    private final ExecutorService workers;
    private final ConcurrentLinkedDeque<PublishingChannel> idleChannels = new ConcurrentLinkedDeque<>();
    private final Set<AggregateSubscription> aggregateSubscriptions = ConcurrentHashMap.newKeySet();
    private final Set<AnnouncementSubscription> announcementSubscriptions = ConcurrentHashMap.newKeySet();
    private final Object topologyLock = new Object();
    private final Set<List<String>> declaredAnnouncements = new LinkedHashSet<>(); // guarded by topologyLock
    private Channel topologyChannel; // guarded by topologyLock
    private final AtomicLong malformedMessages = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AggregateSubscription.Owner owner = new AggregateSubscription.Owner() {
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
        public void ended(AggregateSubscription subscription) {
            aggregateSubscriptions.remove(subscription);
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
        long expiresMillis = expiry.queueExpiry().toMillis();
        // an int where it fits: RabbitMQ compares argument types on redeclare, and other clients send an int
        Object expires = expiresMillis <= Integer.MAX_VALUE ? (Object) (int) expiresMillis : (Object) expiresMillis;
        this.aggregateQueueArguments = Map.of("x-expires", expires, "x-single-active-consumer", true);
        int busNumber = BUS_NUMBERS.incrementAndGet();
        AtomicInteger threadNumbers = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "eventsource-rabbitmq-" + busNumber + "-" + threadNumbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        // listeners may block (they write acks to a database): threads grow with the subscriptions busy at once
        this.workers = Executors.newCachedThreadPool(threads);
    }

    @Override
    public void declareAnnouncements(AggregateType type, ServiceName service) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        ensureOpen();
        List<String> names = List.of(topology.announcementExchange(type).value(),
                topology.announcementQueue(type, service).value());
        synchronized (topologyLock) {
            try {
                declareAnnouncements(topologyChannel(), names);
                declaredAnnouncements.add(names);
            } catch (IOException | ShutdownSignalException e) {
                throw BrokerFailures.translate("Declaring the announcements of " + type + " for " + service, e);
            }
        }
    }

    private static void declareAnnouncements(Channel channel, List<String> names) throws IOException {
        channel.exchangeDeclare(names.get(0), BuiltinExchangeType.FANOUT, true, false, false, null);
        channel.queueDeclare(names.get(1), true, false, false, null);
        channel.queueBind(names.get(1), names.get(0), "");
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
        for (List<String> names : declaredAnnouncements) {
            declareAnnouncements(topologyChannel, names);
        }
        return topologyChannel;
    }

    @Override
    public void declareRoute(AggregateRef aggregate, Set<ServiceName> services) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(services, "services");
        ensureOpen();
        String exchange = topology.aggregateExchange(aggregate).value();
        List<String> queues = new ArrayList<>(services.size());
        for (ServiceName service : services) {
            queues.add(topology.aggregateQueue(aggregate, Objects.requireNonNull(service, "service")).value());
        }
        String action = "Declaring the route of " + aggregate + " for " + services;
        for (int attempt = 1; ; attempt++) {
            PublishingChannel channel = borrow(action);
            boolean healthy = false;
            try {
                Channel unrecorded = channel.unrecorded();
                unrecorded.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, true, false, null);
                for (String queue : queues) {
                    unrecorded.queueDeclare(queue, true, false, false, aggregateQueueArguments);
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
                release(channel, healthy);
            }
        }
    }

    @Override
    public PublishResult publish(AggregateRef aggregate, List<Event> events) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(events, "events");
        List<EventEnvelope.Message> messages = new ArrayList<>(events.size());
        for (Event event : events) {
            if (!aggregate.equals(event.aggregate())) {
                throw new IllegalArgumentException("publish(" + aggregate + ", ...) got an event of another aggregate: "
                        + event);
            }
            messages.add(EventEnvelope.encode(event));
        }
        ensureOpen();
        if (messages.isEmpty()) {
            return new PublishResult.Routed();
        }
        return send(topology.aggregateExchange(aggregate).value(), messages,
                "Publishing " + messages.size() + " events of " + aggregate);
    }

    @Override
    public PublishResult announce(AggregateRef aggregate) {
        Objects.requireNonNull(aggregate, "aggregate");
        ensureOpen();
        return send(topology.announcementExchange(aggregate.type()).value(),
                List.of(EventEnvelope.encodeAnnouncement(aggregate)), "Announcing " + aggregate);
    }

    private PublishResult send(String exchange, List<EventEnvelope.Message> messages, String action) {
        PublishingChannel channel = borrow(action);
        boolean healthy = false;
        try {
            PublishResult result = channel.publish(exchange, messages, settings.confirmBatchSize(),
                    settings.publishTimeout().toMillis());
            healthy = true;
            return result;
        } catch (IOException | ShutdownSignalException e) {
            if (BrokerFailures.isNotFound(e)) {
                // the broker closed the channel with 404; release() drops it, the next publish gets a fresh one
                return new PublishResult.ExchangeMissing(exchange);
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
            return new PublishingChannel(connection);
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
                new SerialExecutor(workers), listener, this::malformed, announcementSubscriptions::remove);
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
        String queue = topology.aggregateQueue(aggregate, service).value();
        String action = "Consuming aggregate queue " + queue;
        Channel channel = openChannel(action);
        Channel consuming = channel instanceof AutorecoveringChannel
                ? ((AutorecoveringChannel) channel).getDelegate() : channel;
        AggregateSubscription subscription = new AggregateSubscription(aggregate, queue, channel, consuming,
                new SerialExecutor(workers), listener, owner);
        aggregateSubscriptions.add(subscription);
        try {
            subscription.start(settings.prefetch());
            return subscription;
        } catch (IOException | ShutdownSignalException e) {
            aggregateSubscriptions.remove(subscription);
            closeQuietly(channel);
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

    private Channel createChannel() throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no free channel on this connection (channel-max reached)");
        }
        return channel;
    }

    private void malformed(String queue, MalformedMessageException reason) {
        long count = malformedMessages.incrementAndGet();
        LOG.warn("Rejected a malformed message on {} without requeue ({} so far): {}", queue, count,
                reason.getMessage());
    }

    /** How many malformed messages (not our envelope, wrong version, invalid event) the bus has rejected. */
    long malformedMessages() {
        return malformedMessages.get();
    }

    /** The subscriptions not yet ended, aggregate and announcement ones. */
    int openSubscriptions() {
        return aggregateSubscriptions.size() + announcementSubscriptions.size();
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The RabbitMQ message bus is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        new HashSet<>(aggregateSubscriptions).forEach(AggregateSubscription::abandon);
        new HashSet<>(announcementSubscriptions).forEach(AnnouncementSubscription::abandon);
        PublishingChannel channel;
        while ((channel = idleChannels.pollFirst()) != null) {
            channel.close();
        }
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
