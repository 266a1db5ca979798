package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.BindingSet;
import io.eventsource.domain.Event;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ReplayRequest;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.Cancellable;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.SequenceRange;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener of one service on the message bus: its bindings, their heartbeats and its announcement consumers.
 * Once started, the roles are apart: {@link AggregateConsumers} consume the announced aggregates' queues (and hand
 * them over), {@link PartitionConsumers} consume the partitions of partitioned types (and share them with the
 * service's other instances), the {@link Dispatcher} handles each delivery, {@link Redrive} sends events again through a queue, for
 * the {@link Sweeper} and the {@link Replay} of failures.
 */
final class BusListener implements Listener {
    private static final Logger LOG = LoggerFactory.getLogger(BusListener.class);

    private enum State { NEW, RUNNING, STOPPING, STOPPED }

    private final ServiceName service;
    private final MessageBus bus;
    private final ServiceRegistry registry;
    private final AckStore acks;
    private final EventLog log;
    private final Scheduler scheduler;
    private final ExpiryPolicy expiry;
    private final EventsourceOptions options;
    private final TypedEvents typed;
    private final EventsourceMetrics metrics;
    private final CheckpointStore checkpoints;
    private final EventTracing tracing;
    private final Topologies topologies;
    /** This listener's name among the service's instances: in the registry, and on its partition consumers. */
    private final String instance;
    private final Map<Binding, BindingHandlers> handlers = new LinkedHashMap<>();
    private final Map<AggregateType, Subscription> announcements = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicLong refusedDeliveries = new AtomicLong();
    private volatile State state = State.NEW;
    private volatile Map<AggregateType, List<BindingHandlers>> byType = Map.of();
    private BindingSet bindings = BindingSet.empty();
    private Cancellable heartbeat;
    /** Set once by {@link #start()}, when the bindings are fixed; null for a listener without bindings. */
    private volatile AggregateConsumers consumers;
    private volatile PartitionConsumers partitions;
    private volatile Redrive redrive;
    private volatile Replay replay;
    private volatile ReplayEngine replays;
    private Sweeper sweeper;

    /** @param instance this listener's name among the service's instances */
    BusListener(ServiceName service, String instance, MessageBus bus, ServiceRegistry registry, AckStore acks, EventLog log,
                Scheduler scheduler, ExpiryPolicy expiry, EventsourceOptions options, TypedEvents typed,
                EventsourceMetrics metrics, CheckpointStore checkpoints, EventTracing tracing, Topologies topologies) {
        this.metrics = metrics;
        this.topologies = topologies;
        this.instance = instance;
        this.checkpoints = checkpoints;
        this.tracing = tracing;
        this.service = service;
        this.bus = bus;
        this.registry = registry;
        this.acks = acks;
        this.log = log;
        this.scheduler = scheduler;
        this.expiry = expiry;
        this.options = options;
        this.typed = typed;
    }

    @Override
    public ServiceName service() {
        return service;
    }

    @Override
    public String instance() {
        return instance;
    }

    @Override
    public synchronized ProjectionBinding listen(AggregateType type, Projection projection) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(projection, "projection");
        if (state != State.NEW) {
            throw new IllegalStateException("listener of " + service + " has " + (state == State.RUNNING
                    ? "started" : "stopped") + "; bind projections before start()");
        }
        Binding binding = new Binding(service, type, projection);
        bindings = bindings.with(binding);
        BindingHandlers bound = new BindingHandlers(binding, this, typed);
        handlers.put(binding, bound);
        return bound;
    }

    @Override
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("listener of " + service + " was already started (or stopped); a stopped"
                    + " listener does not start again: take a new one from Eventsource.listener");
        }
        // before anything starts: a type this listener would consume otherwise than its namespace is refused
        Map<AggregateType, AggregateTopology> topologyOf = new LinkedHashMap<>();
        for (BindingHandlers bound : handlers.values()) {
            AggregateType type = bound.binding().type();
            if (!topologyOf.containsKey(type)) {
                topologyOf.put(type, topologies.agree(type));
            }
        }
        Map<AggregateType, List<BindingHandlers>> grouped = new LinkedHashMap<>();
        for (BindingHandlers bound : handlers.values()) {
            bound.freeze();
            grouped.computeIfAbsent(bound.binding().type(), t -> new ArrayList<>()).add(bound);
        }
        grouped.replaceAll((type, list) -> List.copyOf(list));
        // insertion order, not Map.copyOf's per-JVM order: a run on the virtual clock replays exactly
        byType = Collections.unmodifiableMap(grouped);
        state = State.RUNNING;
        if (handlers.isEmpty()) {
            LOG.warn("listener of {} started without bindings; it receives nothing", service);
            return;
        }
        // one set of shared reads for the checks against the log of every delivery and announcement
        SharedReads<SequenceRange, List<LoggedEvent>> reads = SharedReads.ofLog(log);
        Dispatcher dispatcher = new Dispatcher(service, byType, acks, log, reads, scheduler, options,
                refusedDeliveries::incrementAndGet, metrics, tracing);
        // the consumers tell the re-drive of a queue that may have lost what it held (declared anew, or consumed again
        // after a lost connection; no consumer runs before beat() below), and the re-drive consumes through them
        consumers = new AggregateConsumers(service, bus, reads, scheduler, expiry, options, dispatcher,
                aggregate -> redrive.latestIfBehind(aggregate, bindingsOf(aggregate.type())));
        partitions = new PartitionConsumers(service, instance, bus, registry, dispatcher, scheduler, expiry,
                this::isStopping);
        metrics.consumers(service, () -> consumers.active() + partitions.lanes());
        Redrive.Queues queues = new Redrive.Queues() {
            @Override
            public boolean consume(AggregateRef aggregate) {
                // a partition is consumed all along (or again within seconds of losing it)
                return partitions.consumes(aggregate.type()) || consumers.consume(aggregate);
            }

            @Override
            public boolean isRetrying(AggregateRef aggregate) {
                return partitions.isRetrying(aggregate) || consumers.isRetrying(aggregate);
            }

            @Override
            public boolean holdsFrom(AggregateRef aggregate, long sequence) {
                return partitions.holdsFrom(aggregate, sequence) || consumers.holdsFrom(aggregate, sequence);
            }
        };
        redrive = new Redrive(service, bus, log, acks, queues);
        replay = new Replay(acks, log, redrive);
        replays = new ReplayEngine(log, acks, bus, registry, checkpoints, scheduler, ReplayEngine.DEFAULT_LEASE_TTL,
                service, queues, topologies);
        topologyOf.forEach((type, topology) -> {
            if (topology instanceof AggregateTopology.Partitioned partitioned) {
                partitions.start(type, partitioned);
            }
        });
        beat();
        heartbeat = scheduler.scheduleAtFixedRate(expiry.heartbeatInterval(), expiry.heartbeatInterval(), this::beat);
        if (options.sweep().enabled()) {
            sweeper = new Sweeper(service, byType, log, acks, checkpoints, scheduler, options.sweep(), options.failurePolicy(),
                    redrive, this::isStopping, metrics);
            sweeper.start();
        }
    }

    private List<Binding> bindingsOf(AggregateType type) {
        return byType.getOrDefault(type, List.of()).stream().map(BindingHandlers::binding).toList();
    }

    /** Heart-beats the bindings and (re)subscribes any announcement queue whose consumer is gone. */
    private void beat() {
        if (state != State.RUNNING) {
            return;
        }
        try {
            registry.heartbeat(bindings.all(), scheduler.instant());
        } catch (RuntimeException e) {
            LOG.warn("{} could not heart-beat its bindings; trying again in {}: {}", service,
                    expiry.heartbeatInterval(), e.toString());
        }
        partitions.beat();
        for (AggregateType type : byType.keySet()) {
            if (!partitions.consumes(type)) {
                // the partition consumers record the instance of theirs; this names it for operators (status)
                recordInstance(type);
            }
            if (partitions.consumes(type)) {
                // a partitioned type has no announcements: its partitions carry every aggregate
                continue;
            }
            Subscription current = announcements.get(type);
            if (current != null && current.isOpen()) {
                continue;
            }
            try {
                bus.declareAnnouncements(type, service);
                Subscription subscription = bus.subscribeAnnouncements(type, service, this::onAnnouncement);
                announcements.put(type, subscription);
                if (state != State.RUNNING) {
                    subscription.cancel();
                }
            } catch (RuntimeException e) {
                LOG.warn("{} could not consume the announcements of {}; trying again in {}: {}", service, type,
                        expiry.heartbeatInterval(), e.toString());
            }
        }
    }

    private void recordInstance(AggregateType type) {
        try {
            registry.instanceHeartbeat(type, service, instance, scheduler.instant());
        } catch (RuntimeException e) {
            LOG.debug("{} could not record its instance {} of {}: {}", service, instance, type, e.toString());
        }
    }

    /** Takes this instance out of the registry's instances of the types it consumes per aggregate. */
    private void leaveInstances() {
        for (AggregateType type : byType.keySet()) {
            if (partitions != null && !partitions.consumes(type)) {
                try {
                    registry.leave(type, service, instance);
                } catch (RuntimeException e) {
                    LOG.debug("{} could not leave the instances of {}; its heartbeat runs out instead: {}", instance,
                            type, e.toString());
                }
            }
        }
    }

    /**
     * Starts consuming the announced aggregate on one of the scheduler's workers, not on the announcements'
     * delivery thread: checking the aggregate against the log and subscribing to its queue take round trips, and one
     * at a time they held every later announcement of the type behind them, so that under a burst of aggregates
     * whose consumers had gone idle each event waited for every announcement before its own (seconds, at 70 events/s
     * over 1,000 aggregates). The announcement is settled once handed over: one lost in a crash in between leaves its
     * events in the queue for the aggregate's next announcement or the sweeper, as any lost announcement does. An
     * aggregate this listener consumes already, as it does every busy one, is told apart here, with no hand-over:
     * on a busy type that is nearly every announcement, and waking a worker for each cost more than the rest.
     */
    private void onAnnouncement(AggregateRef aggregate) {
        if (state == State.RUNNING && byType.containsKey(aggregate.type()) && !consumers.isConsuming(aggregate)) {
            try {
                scheduler.execute(() -> consumers.announced(aggregate));
            } catch (RuntimeException closing) {
                consumers.announced(aggregate);
            }
        }
    }

    /** See {@link ProjectionBinding#replayFailures}. */
    List<Event> replayFailures(BindingHandlers binding, int limit) {
        if (limit < 1 || limit > Replay.MAX_REPLAY) {
            throw new IllegalArgumentException("replayFailures limit must be 1-" + Replay.MAX_REPLAY + ", got " + limit);
        }
        if (state != State.RUNNING) {
            throw new IllegalStateException("listener of " + service + " is " + (state == State.NEW ? "not started"
                    : "stopped") + "; failures are replayed through a running listener");
        }
        return replay.failures(binding.binding(), limit);
    }

    /** See {@link ProjectionBinding#replay}. */
    ReplayRun replay(BindingHandlers binding, ReplayRequest request) {
        if (state != State.RUNNING) {
            throw new IllegalStateException("listener of " + service + " is " + (state == State.NEW ? "not started"
                    : "stopped") + "; events are replayed through a running listener (or a ReplayEngine)");
        }
        return replays.replay(binding.binding(), request);
    }

    @Override
    public long refusedDeliveries() {
        return refusedDeliveries.get();
    }

    @Override
    public long droppedAnnouncements() {
        AggregateConsumers current = consumers;
        return current == null ? 0 : current.droppedAnnouncements();
    }

    /** Whether {@link #stop()} was called (the stop may still be finishing work in progress). */
    boolean isStopping() {
        State current = state;
        return current == State.STOPPING || current == State.STOPPED;
    }

    @Override
    public CompletionStage<Void> stop() {
        CompletableFuture<Void> sweeping = CompletableFuture.completedFuture(null);
        synchronized (this) {
            if (state == State.STOPPING || state == State.STOPPED) {
                return stopped;
            }
            state = State.STOPPING;
            if (heartbeat != null) {
                heartbeat.cancel();
            }
            if (sweeper != null) {
                // its run in progress uses the stores, which the composition may close once this completes
                sweeping = sweeper.stop();
            }
        }
        announcements.values().forEach(Subscription::cancel);
        leaveInstances();
        AggregateConsumers current = consumers;
        PartitionConsumers partitioned = partitions;
        CompletableFuture<Void> finishing = current == null ? sweeping
                : CompletableFuture.allOf(current.stop(), partitioned.stop(), sweeping);
        finishing.whenComplete((ignored, error) -> {
            state = State.STOPPED;
            stopped.complete(null);
        });
        return stopped;
    }

    @Override
    public void close() {
        await(stop().toCompletableFuture(), options.closeTimeout(), "listener of " + service);
    }

    /** Waits for {@code done} at most {@code timeout}; logs instead of throwing. */
    static void await(CompletableFuture<Void> done, Duration timeout, String what) {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} did not finish its work in progress within {}; closing anyway", what, timeout);
        } catch (ExecutionException e) {
            LOG.warn("{} failed while stopping", what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
