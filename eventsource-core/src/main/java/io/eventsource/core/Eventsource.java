package io.eventsource.core;

import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime of one process on one set of ports: its {@link #publisher()} and one {@link #listener} per
 * service. Build it with {@link #builder()} (or the constructor) or provide it with {@link EventsourceModule}; both
 * make the same runtime. Given an {@link EventSerializer}, it also publishes and handles typed events (records of the
 * application's event classes).
 *
 * <p>The ports belong to whoever composed them: {@link #close()} stops the runtime (listeners, relay) and
 * leaves the ports open. Thread-safe.
 */
public final class Eventsource implements AutoCloseable {
    private final EventLog log;
    private final AckStore acks;
    private final ServiceRegistry registry;
    private final MessageBus bus;
    private final Scheduler scheduler;
    private final ExpiryPolicy expiry;
    private final EventsourceOptions options;
    private final Router router;
    /** Each aggregate type's topology, agreed with the namespace: shared by the publisher, the relay and listeners. */
    private final Topologies topologies;
    private final TypedEvents typed;
    private final EventsourceMetrics metrics;
    private final EventTracing tracing;
    private final Map<ServiceName, BusListener> listeners = new HashMap<>();
    private RoutingPublisher publisher;
    private Relay relay;
    /** Names this runtime as the holder of the relay's lease. */
    private final String holder = "runtime-" + UUID.randomUUID();
    /** Names each listener among its service's instances (a test on the virtual clock names them predictably). */
    private Supplier<String> instanceIds = () -> UUID.randomUUID().toString().substring(0, 8);
    private volatile boolean closed;
    /** The scheduler that {@link #builder()} made because it was given none, closed with this runtime; else null. */
    private final SystemScheduler ownScheduler;
    /** Where the listeners' sweepers keep their checkpoints; by default nowhere ({@link UnsavedCheckpoints}). */
    private CheckpointStore checkpoints = new UnsavedCheckpoints();

    /**
     * A runtime on the given ports.
     *
     * @param expiry the lifecycle durations, the same instance the adapters were given
     * @param options the runtime's tunables ({@link EventsourceOptions#defaults()})
     */
    public Eventsource(EventLog log, AckStore acks, ServiceRegistry registry, MessageBus bus, Scheduler scheduler,
                       ExpiryPolicy expiry, EventsourceOptions options) {
        this(log, acks, registry, bus, scheduler, expiry, options, TypedEvents.NONE, EventsourceMetrics.NONE,
                EventTracing.NONE, null);
    }

    /**
     * A runtime on the given ports that also publishes and handles typed events
     * ({@link Publisher#publish(io.eventsource.domain.AggregateRef, Object)},
     * {@link ProjectionBinding#on(Class, TypedEventHandler)}) through {@code serializer}.
     *
     * @param expiry the lifecycle durations, the same instance the adapters were given
     * @param options the runtime's tunables ({@link EventsourceOptions#defaults()})
     * @param serializer turns typed events into names and payloads and back (e.g. {@code JacksonModule}'s)
     */
    public Eventsource(EventLog log, AckStore acks, ServiceRegistry registry, MessageBus bus, Scheduler scheduler,
                       ExpiryPolicy expiry, EventsourceOptions options, EventSerializer serializer) {
        this(log, acks, registry, bus, scheduler, expiry, options,
                new TypedEvents(Objects.requireNonNull(serializer, "serializer")), EventsourceMetrics.NONE,
                EventTracing.NONE, null);
    }

    /**
     * A runtime that reports to {@code metrics}, carries traces through {@code tracing}, and also closes
     * {@code ownScheduler} (null: none) when it closes.
     */
    Eventsource(EventLog log, AckStore acks, ServiceRegistry registry, MessageBus bus, Scheduler scheduler,
                ExpiryPolicy expiry, EventsourceOptions options, TypedEvents typed, EventsourceMetrics metrics,
                EventTracing tracing, SystemScheduler ownScheduler) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.typed = Objects.requireNonNull(typed, "typed");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.log = Objects.requireNonNull(log, "log");
        this.acks = Objects.requireNonNull(acks, "acks");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.options = Objects.requireNonNull(options, "options");
        this.topologies = new Topologies(registry, bus, options, scheduler, expiry.heartbeatInterval());
        this.router = new Router(bus, registry, log, scheduler, expiry, options, metrics, topologies);
        this.ownScheduler = ownScheduler;
    }

    /** A runtime on the given ports with {@link EventsourceOptions#defaults()}. */
    public Eventsource(EventLog log, AckStore acks, ServiceRegistry registry, MessageBus bus, Scheduler scheduler,
                       ExpiryPolicy expiry) {
        this(log, acks, registry, bus, scheduler, expiry, EventsourceOptions.defaults());
    }

    /** Makes the listeners that this runtime starts from now on keep their sweepers' checkpoints in {@code store}. */
    synchronized void checkpoints(CheckpointStore store) {
        this.checkpoints = Objects.requireNonNull(store, "store");
    }

    /**
     * A builder of a runtime for compositions without Dagger: give it the four ports, and optionally the scheduler,
     * the expiry policy and the options.
     *
     * <pre>{@code
     * Eventsource eventsource = Eventsource.builder()
     *         .eventLog(log).ackStore(acks).messageBus(bus).serviceRegistry(registry)
     *         .build();   // real time, ExpiryPolicy.seed(), EventsourceOptions.defaults()
     * }</pre>
     */
    public static EventsourceBuilder builder() {
        return new EventsourceBuilder();
    }

    /**
     * The publisher. The first call to it or to {@link #listener} also starts this runtime's relay, which publishes
     * events that an outage left unpublished, every {@link EventsourceOptions#relayInterval()}, while this runtime
     * holds the namespace's relay lease in the registry.
     *
     * @throws IllegalStateException if the runtime is closed
     */
    public synchronized Publisher publisher() {
        requireOpen();
        if (publisher == null) {
            publisher = new RoutingPublisher(log, router, scheduler, this::isClosed, options, typed, metrics,
                    tracing, topologies);
            startRelay();
        }
        return publisher;
    }

    /** Every runtime relays, producer or listener, so that unpublished events drain whichever process exits. */
    private void startRelay() {
        if (relay == null) {
            relay = new Relay(log, acks, registry, holder, router, scheduler, expiry, options, metrics);
            relay.start();
        }
    }

    /**
     * The listener of {@code service} in this runtime: the same one on every call until it is stopped, so that
     * the one-binding rule holds across the whole process.
     *
     * @throws IllegalStateException if the runtime is closed
     */
    public synchronized Listener listener(ServiceName service) {
        Objects.requireNonNull(service, "service");
        requireOpen();
        BusListener listener = listeners.get(service);
        if (listener == null || listener.isStopping()) {
            listener = new BusListener(service, service.value() + "-" + instanceIds.get(), bus, registry, acks, log,
                    scheduler, expiry, options, typed, metrics,
                    checkpoints, tracing, topologies);
            listeners.put(service, listener);
            startRelay();
        }
        return listener;
    }

    /**
     * A replay engine on this runtime's ports and checkpoint store, for a process that is not a listener of the
     * replayed binding's service (an admin tool): see {@link ReplayEngine}. Its replays run on this runtime's
     * scheduler, so keep the runtime open while they run. A running listener replays through its bindings instead
     * ({@link ProjectionBinding#replay}).
     */
    public synchronized ReplayEngine replays() {
        return new ReplayEngine(log, acks, bus, registry, checkpoints, scheduler, ReplayEngine.DEFAULT_LEASE_TTL, null,
                null, topologies);
    }

    /**
     * Stops every listener gracefully and the relay, non-blocking.
     *
     * @return completes once the listeners' and the relay's work in progress has finished: the ports may be closed
     *         then
     */
    public CompletableFuture<Void> stop() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        synchronized (this) {
            closed = true;
            if (relay != null) {
                // its run in progress uses the stores, which the composition may close once this completes
                stopping.add(relay.stop());
            }
            for (BusListener listener : listeners.values()) {
                stopping.add(listener.stop().toCompletableFuture());
            }
            // what was published is marked so before the runtime is done, rather than left to another's relay
            stopping.add(router.whenMarked());
        }
        return CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new));
    }

    /**
     * {@link #stop()} and wait for it, at most the {@link EventsourceOptions#closeTimeout() close timeout}; then close
     * the real-time scheduler that {@link #builder()} made if it was given none. On a virtual scheduler, call
     * {@link #stop()} and advance the clock instead. Never throws.
     */
    @Override
    public void close() {
        BusListener.await(stop(), options.closeTimeout(), "eventsource runtime");
        if (ownScheduler != null) {
            ownScheduler.close();
        }
    }

    /** The runtime's event log, for the {@link AggregateRepository repositories} built on it. */
    EventLog eventLog() {
        return log;
    }

    /** The runtime's clock, for events made here. */
    Scheduler scheduler() {
        return scheduler;
    }

    /** The runtime's tracing, for the trace context of events made here. */
    EventTracing tracing() {
        return tracing;
    }

    private boolean isClosed() {
        return closed;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this eventsource runtime is closed");
        }
    }

    /** Makes the ids that tell this runtime's listeners apart from other instances of their services; for tests. */
    synchronized void instanceIds(Supplier<String> ids) {
        this.instanceIds = Objects.requireNonNull(ids, "ids");
    }

}
