package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.BindingSet;
import io.eventsource.domain.Event;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.Cancellable;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener of one service on the message bus: bindings, heartbeats, announcement consumers, and one
 * {@link AggregateConsumer} per announced aggregate.
 */
final class BusListener implements Listener {
    private static final Logger LOG = LoggerFactory.getLogger(BusListener.class);

    private enum State { NEW, RUNNING, STOPPING, STOPPED }

    /** Upper bound of the failures replayed per call. */
    private static final int MAX_REPLAY = 10_000;
    /** Upper bound of the aggregates waiting for a consumer slot; beyond it the oldest waiter is left to the sweeper. */
    private static final int MAX_WAITING = 100_000;
    /** How long a listener waits before it consumes again a queue it lost with its connection, and between tries. */
    static final Duration RESUME_DELAY = Duration.ofSeconds(1);

    private final ServiceName service;
    private final MessageBus bus;
    private final ServiceRegistry registry;
    private final Scheduler scheduler;
    private final ExpiryPolicy expiry;
    private final Duration closeTimeout;
    private final Dispatcher dispatcher;
    private final Redrive redrive;
    private final AckStore acks;
    private final EventLog log;
    private final SweepPolicy sweep;
    private final FailurePolicy failurePolicy;
    private final TypedEvents typed;
    private final Map<Binding, BindingHandlers> handlers = new LinkedHashMap<>();
    private final Map<AggregateType, Subscription> announcements = new ConcurrentHashMap<>();
    private final ConcurrentMap<AggregateRef, AggregateConsumer> consumers = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Set<AggregateRef> waiting = new LinkedHashSet<>();
    private final AtomicLong refusedDeliveries = new AtomicLong();
    private final AtomicLong droppedAnnouncements = new AtomicLong();
    private final int maxConsumers;
    private volatile State state = State.NEW;
    private volatile Map<AggregateType, List<BindingHandlers>> byType = Map.of();
    private BindingSet bindings = BindingSet.empty();
    private Cancellable heartbeat;
    private Sweeper sweeper;

    BusListener(ServiceName service, MessageBus bus, ServiceRegistry registry, AckStore acks, EventLog log,
                Scheduler scheduler, ExpiryPolicy expiry, EventsourceOptions options, TypedEvents typed) {
        this.service = service;
        this.bus = bus;
        this.registry = registry;
        this.scheduler = scheduler;
        this.expiry = expiry;
        this.closeTimeout = options.closeTimeout();
        this.acks = acks;
        this.log = log;
        this.sweep = options.sweep();
        this.failurePolicy = options.failurePolicy();
        this.maxConsumers = options.maxConsumers();
        this.typed = typed;
        this.dispatcher = new Dispatcher(this, acks, log, scheduler, options);
        this.redrive = new Redrive(service, bus, this::consume);
    }

    @Override
    public ServiceName service() {
        return service;
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
        beat();
        heartbeat = scheduler.scheduleAtFixedRate(expiry.heartbeatInterval(), expiry.heartbeatInterval(), this::beat);
        if (sweep.enabled()) {
            sweeper = new Sweeper(this, byType, log, acks, scheduler, sweep, failurePolicy);
            sweeper.start();
        }
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
        for (AggregateType type : byType.keySet()) {
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

    /**
     * An aggregate has news: consume its queue unless this listener already does. An announcement is a hint from
     * whoever can write to the exchange, so it makes broker objects only for an aggregate that the log has events of.
     */
    private void onAnnouncement(AggregateRef aggregate) {
        if (state != State.RUNNING || !byType.containsKey(aggregate.type()) || isConsuming(aggregate)) {
            return;
        }
        try {
            if (log.version(aggregate) == 0) {
                droppedAnnouncements.incrementAndGet();
                LOG.debug("{} dropped an announcement of {}: the log holds no event of it", service, aggregate);
                return;
            }
        } catch (RuntimeException e) {
            // the log cannot tell now: consuming costs a queue at worst, and ignoring a real aggregate costs time
            LOG.debug("{} could not check {} against the log; consuming it: {}", service, aggregate, e.toString());
        }
        if (!consume(aggregate)) {
            // the broker could not open a consumer now (a connection recovering): try again within seconds
            scheduler.schedule(RESUME_DELAY, () -> resume(aggregate, 2));
        }
    }

    private boolean isConsuming(AggregateRef aggregate) {
        AggregateConsumer existing = consumers.get(aggregate);
        return existing != null && existing.isOpen();
    }

    /**
     * Consumes the aggregate's queue unless this listener already does; while {@link EventsourceOptions#maxConsumers()}
     * consumers run, the aggregate waits its turn (the first consumer to end starts it).
     *
     * @return false if the broker refused: the caller decides whether to try again
     */
    private boolean consume(AggregateRef aggregate) {
        if (state != State.RUNNING) {
            return true;
        }
        synchronized (waiting) {
            if (!isConsuming(aggregate) && openConsumers() >= maxConsumers) {
                if (waiting.size() >= MAX_WAITING && !waiting.contains(aggregate)) {
                    // the oldest waiter's events stay in its queue or the log: its next news or the sweeper brings them
                    AggregateRef oldest = waiting.iterator().next();
                    waiting.remove(oldest);
                }
                if (waiting.add(aggregate) && waiting.size() % 1000 == 1) {
                    LOG.info("{} consumes {} aggregates, its limit; {} wait their turn", service, maxConsumers,
                            waiting.size());
                }
                return true;
            }
            waiting.remove(aggregate);
        }
        AggregateConsumer existing = consumers.get(aggregate);
        if (existing != null) {
            if (existing.isOpen()) {
                return true;
            }
            consumers.remove(aggregate, existing);
        }
        AggregateConsumer consumer = new AggregateConsumer(aggregate, this, dispatcher);
        if (existing != null) {
            consumer.after(existing);
        }
        if (consumers.putIfAbsent(aggregate, consumer) != null) {
            return true;
        }
        try {
            consumer.subscribed(subscribe(aggregate, consumer));
            return true;
        } catch (RuntimeException e) {
            consumers.remove(aggregate, consumer);
            consumer.cancel();
            LOG.warn("{} could not consume {}; the next announcement or gap fill brings its events: {}", service,
                    aggregate, e.toString());
            return false;
        }
    }

    private long openConsumers() {
        return consumers.values().stream().filter(AggregateConsumer::isOpen).count();
    }

    /** Starts the next waiting aggregate, if a consumer slot is free. */
    private void startWaiting() {
        AggregateRef next;
        synchronized (waiting) {
            if (waiting.isEmpty() || openConsumers() >= maxConsumers) {
                return;
            }
            next = waiting.iterator().next();
            waiting.remove(next);
        }
        consume(next);
    }

    /**
     * Consumes again, within seconds, a queue whose consumer this listener lost with its connection, so that the
     * messages queued there are handled now rather than at the aggregate's next news or the next sweep. Tries every
     * {@link #RESUME_DELAY} while the broker reconnects, for the longer of the queue expiry and the liveness TTL
     * (once the queue has expired, {@link #subscribe} declares it again and catches up from the log).
     */
    private void resume(AggregateRef aggregate, int attempt) {
        if (state != State.RUNNING || isConsuming(aggregate)) {
            return;
        }
        boolean resumed;
        try {
            resumed = consume(aggregate);
        } catch (RuntimeException e) {
            resumed = false;
        }
        // past the queue expiry the queue is gone, but consuming again declares it and catches up from the log
        long maxAttempts = Math.max(expiry.queueExpiry().toMillis(), expiry.livenessTtl().toMillis())
                / RESUME_DELAY.toMillis();
        if (!resumed && attempt < maxAttempts) {
            scheduler.schedule(RESUME_DELAY, () -> resume(aggregate, attempt + 1));
        } else if (resumed && attempt > 1) {
            LOG.info("{} consumes {} again after losing its connection", service, aggregate);
        }
    }

    private Subscription subscribe(AggregateRef aggregate, AggregateConsumer consumer) {
        try {
            return bus.subscribeAggregate(aggregate, service, consumer);
        } catch (PortException missing) {
            // the queue expired (this service was down longer than the queue expiry), or was never declared for
            // this service (it was not live when the producer routed): whatever it held is gone
            LOG.debug("{} declares its queue of {} before consuming it: {}", service, aggregate, missing.toString());
            bus.declareRoute(aggregate, Set.of(service));
            Subscription subscription = bus.subscribeAggregate(aggregate, service, consumer);
            nudgeIfBehind(aggregate);
            return subscription;
        }
    }

    /**
     * If a binding of this service is behind the log on the aggregate, publishes the aggregate's last event
     * again, so that whichever instance of this service is the queue's active consumer receives it and fills the
     * gap from the log. Going through the queue keeps its single active consumer the only one handling the
     * aggregate; the other services' queues get a copy that they skip as a duplicate.
     */
    private void nudgeIfBehind(AggregateRef aggregate) {
        long version = log.version(aggregate);
        if (version == 0) {
            return;
        }
        for (BindingHandlers binding : bindingsOf(aggregate.type())) {
            Binding bound = binding.binding();
            if (acks.lastSequence(bound.service(), bound.projection(), aggregate) < version) {
                LOG.debug("{} is behind the log on {} (version {}); publishing its last event again", bound,
                        aggregate, version);
                bus.publish(aggregate, log.read(aggregate, version, version));
                return;
            }
        }
    }

    /**
     * Re-drives an aggregate that a binding of this service has no ack for through the normal path (see
     * {@link Sweeper}): declares the aggregate's route for this service, consumes its queue here unless this
     * listener already does, and publishes {@code firstMissing} and the aggregate's latest event to the
     * aggregate's exchange, for the queue's active consumer to handle and fill the gap from the log.
     *
     * @throws io.eventsource.ports.PortException if the broker or the log cannot be reached
     */
    void redrive(AggregateRef aggregate, Event firstMissing) {
        if (state != State.RUNNING) {
            return;
        }
        AggregateConsumer consumer = consumers.get(aggregate);
        if (consumer != null && consumer.isOpen() && consumer.isRetrying()) {
            // its message is here, waiting for a store to come back: another copy would only multiply the tries
            LOG.debug("{} does not re-drive {}: its consumer here is retrying it", service, aggregate);
            return;
        }
        redrive.throughQueue(aggregate, Redrive.withLatest(log, aggregate, List.of(firstMissing)));
    }

    /** See {@link ProjectionBinding#replayFailures}. */
    List<Event> replayFailures(BindingHandlers binding, int limit) {
        if (limit < 1 || limit > MAX_REPLAY) {
            throw new IllegalArgumentException("replayFailures limit must be 1-" + MAX_REPLAY + ", got " + limit);
        }
        if (state != State.RUNNING) {
            throw new IllegalStateException("listener of " + service + " is " + (state == State.NEW ? "not started"
                    : "stopped") + "; failures are replayed through a running listener");
        }
        Binding bound = binding.binding();
        Map<AggregateRef, List<Ack>> byAggregate = new LinkedHashMap<>();
        for (Ack failure : acks.failures(bound.service(), bound.projection(), limit)) {
            byAggregate.computeIfAbsent(failure.aggregate(), a -> new ArrayList<>()).add(failure);
        }
        List<Event> replayed = new ArrayList<>();
        for (Map.Entry<AggregateRef, List<Ack>> entry : byAggregate.entrySet()) {
            AggregateRef aggregate = entry.getKey();
            List<Ack> failures = entry.getValue();
            failures.sort(Comparator.comparingLong(Ack::sequence));
            List<Event> failed = new ArrayList<>();
            List<Event> toPublish = new ArrayList<>();
            for (Ack failure : failures) {
                List<Event> found = log.read(aggregate, failure.sequence(), failure.sequence());
                if (found.isEmpty() || !found.get(0).id().equals(failure.key().eventId())) {
                    LOG.warn("{} has a failed ack for {} at {}#{} that the event log does not hold; not replaying it",
                            bound, failure.key().eventId(), aggregate, failure.sequence());
                    continue;
                }
                failed.add(found.get(0));
                toPublish.add(Dispatcher.markedForReplay(found.get(0), bound));
            }
            if (failed.isEmpty()) {
                continue;
            }
            // the latest event after the replays: a parked binding whose replay succeeds fills the rest from the log
            redrive.throughQueue(aggregate, Redrive.withLatest(log, aggregate, toPublish));
            replayed.addAll(failed);
            LOG.info("{} replays {} failed event(s) of {}", bound, failed.size(), aggregate);
        }
        return replayed;
    }

    /** The consumer's subscription ended (idle, queue deleted, connection lost, cancelled): forget it. */
    void forget(AggregateConsumer consumer, EndReason reason) {
        // kept until its lane is idle, so that a new consumer of the aggregate starts after it (see onAnnouncement)
        consumer.whenIdle().thenRun(() -> {
            consumers.remove(consumer.aggregate(), consumer);
            startWaiting();
        });
        LOG.debug("{} stopped consuming {}: {}", service, consumer.aggregate(), reason);
        if (reason == EndReason.CONNECTION_LOST && state == State.RUNNING) {
            scheduler.schedule(RESUME_DELAY, () -> resume(consumer.aggregate(), 1));
        }
    }

    void countRefused() {
        refusedDeliveries.incrementAndGet();
    }

    @Override
    public long refusedDeliveries() {
        return refusedDeliveries.get();
    }

    @Override
    public long droppedAnnouncements() {
        return droppedAnnouncements.get();
    }

    List<BindingHandlers> bindingsOf(AggregateType type) {
        return byType.getOrDefault(type, List.of());
    }

    /** Whether {@link #stop()} was called (the stop may still be finishing work in progress). */
    boolean isStopping() {
        State current = state;
        return current == State.STOPPING || current == State.STOPPED;
    }

    @Override
    public CompletionStage<Void> stop() {
        List<AggregateConsumer> running;
        synchronized (this) {
            if (state == State.STOPPING || state == State.STOPPED) {
                return stopped;
            }
            state = State.STOPPING;
            if (heartbeat != null) {
                heartbeat.cancel();
            }
            if (sweeper != null) {
                sweeper.stop();
            }
            running = new ArrayList<>(consumers.values());
        }
        announcements.values().forEach(Subscription::cancel);
        List<CompletableFuture<Void>> finishing = new ArrayList<>();
        for (AggregateConsumer consumer : running) {
            finishing.add(consumer.stop());
        }
        CompletableFuture.allOf(finishing.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            // any consumer added while stopping received nothing it started
            consumers.values().forEach(AggregateConsumer::cancel);
            consumers.clear();
            state = State.STOPPED;
            stopped.complete(null);
        });
        return stopped;
    }

    @Override
    public void close() {
        await(stop().toCompletableFuture(), closeTimeout, "listener of " + service);
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
