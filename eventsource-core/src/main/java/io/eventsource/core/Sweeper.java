package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The sweeper of one listener (guarantee G2): finds events in the log that a binding of the listener has no
 * ack for, past a grace period, and re-drives their aggregates. It is the backstop for what the normal path can
 * lose with no later news to trigger a gap fill: messages that expired with a queue whose consumer died while no
 * other instance consumed it, and events published in the moment before a producer's cache of live services saw
 * a service come back (not routed to it at all).
 *
 * <p><b>How it re-drives</b> an aggregate: through the normal path, never by calling a handler itself. It
 * declares the aggregate's route for this service (recreating the service's queue if it expired, and restarting
 * its expiry), makes this listener consume that queue unless it already does (as an announcement would: a
 * standby consumer if another instance is the active one), and publishes the aggregate's first missing event
 * and its latest event to the aggregate's exchange. Whichever instance is the queue's single active consumer
 * receives them and handles them in the aggregate's lane: the first missing event is handled (late, if a later
 * one was handled before), and the latest one makes it fill any gap from the log in sequence order. So order
 * per aggregate, one-at-a-time and effectively-once hold exactly as for any delivery; other services' queues
 * get a copy that they skip as a duplicate. Calling the handlers from the sweeper instead would run an aggregate
 * outside its queue's single active consumer, possibly at the same time as another instance.
 *
 * <p><b>Cost.</b> Each run reads each bound type's log in pages ({@link SweepPolicy#pageSize()}, at most
 * {@value #MAX_PAGES_PER_RUN} pages a run) filtered by the type, asks the ack store which of a page's events
 * each binding has an ack for (one query per binding and page), and re-drives at most
 * {@link SweepPolicy#maxRedrivesPerRun()} aggregates. A checkpoint per type advances past the positions that
 * every binding of the type has an ack for (ok or fail: failures are for replay), so a run reads by position only
 * from the oldest event still missing; a cursor lets the next run go on where a bounded run stopped, and goes back
 * to the checkpoint once a pass reaches the events younger than the grace period. A run stops at the first event
 * younger than the grace period, measured from the later of its occurrence and its publication: an event at a
 * lower position that commits late is never passed by the checkpoint before its grace is over.
 *
 * <p><b>Durable checkpoints.</b> Each time the type's checkpoint advances, the sweeper saves it for every binding
 * of the type in the {@link CheckpointStore} (which keeps the highest position saved per binding, so instances of
 * a service may race); the first run of a listener loads them and reads the type's log from the lowest of its
 * bindings' checkpoints, by position. Without a store that keeps them (the runtime's default), every load is 0.
 *
 * <p><b>What a binding is owed</b>: every event after its saved checkpoint; with none saved, events that occurred
 * at or after the listener's start minus the {@link SweepPolicy#lookback() lookback}, or all of them for a
 * binding that asked {@link ProjectionBinding#fromBeginning()}. Only when no binding of the type has a checkpoint
 * nor asked for the whole history does the read filter by time (a first start). Every instance of a service
 * sweeps; a re-drive that another instance also made costs one duplicate message, which the dedupe skips.
 *
 * <p><b>Parked aggregates</b> ({@link FailurePolicy.Exhausted#PARK}): an event that a binding has no ack for
 * because the binding is parked on its aggregate is not re-driven (it waits for the replay of the failure), and
 * the checkpoint goes past it; the sweeper keeps such (binding, aggregate) pairs in memory and re-drives the
 * aggregate once the binding is no longer parked on it but still behind, in case the replay's own re-drive was
 * lost. Checked only under that policy.
 *
 * <p><b>Lag.</b> After each run, when metrics are given, the sweeper measures each binding of the type with
 * {@link LagReader} from the checkpoint the run reached and reports it to {@link EventsourceMetrics#lag}.
 *
 * <p>Runs on the scheduler, one run at a time; never throws.
 */
final class Sweeper {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    /** Upper bound of log pages per type and run. */
    static final int MAX_PAGES_PER_RUN = 20;

    private final ServiceName service;
    private final Redrive redrive;
    private final EventsourceMetrics metrics;
    private final BooleanSupplier stopping;
    private final EventLog log;
    private final AckStore acks;
    private final CheckpointStore checkpoints;
    private final Scheduler scheduler;
    private final SweepPolicy policy;
    private final boolean parks;
    private final Parking parking;
    private final LagReader lags;
    private final List<TypeSweep> types = new ArrayList<>();
    private final PeriodicWork runs;

    /**
     * @param checkpoints where the bindings' checkpoints are loaded from and saved
     * @param redrive  sends an aggregate's missing event through the service's queue
     * @param stopping whether the listener is stopping: then no more re-drives start
     * @param metrics  told of each aggregate re-driven and of each binding's lag
     */
    Sweeper(ServiceName service, Map<AggregateType, List<BindingHandlers>> byType, EventLog log, AckStore acks,
            CheckpointStore checkpoints, Scheduler scheduler, SweepPolicy policy, FailurePolicy failurePolicy, Redrive redrive,
            BooleanSupplier stopping, EventsourceMetrics metrics) {
        this.service = service;
        this.metrics = metrics;
        this.redrive = redrive;
        this.stopping = stopping;
        this.log = log;
        this.acks = acks;
        this.checkpoints = checkpoints;
        this.scheduler = scheduler;
        this.policy = policy;
        this.parks = failurePolicy.parks();
        this.parking = new Parking(log, acks);
        this.lags = new LagReader(log, acks, checkpoints);
        Instant owedFrom = scheduler.instant().minus(policy.lookback());
        byType.forEach((type, bindings) -> types.add(new TypeSweep(type, bindings, owedFrom)));
        this.runs = new PeriodicWork(scheduler, policy.interval(), this::runOnce);
    }

    void start() {
        runs.start();
    }

    /**
     * No run starts any more, and the run in progress ends after the page or re-drive it is at.
     *
     * @return completes once no run is in progress: the stores may be closed then
     */
    CompletableFuture<Void> stop() {
        return runs.stop();
    }

    /** Whether the listener or this sweeper is stopping: a run in progress ends at its next step. */
    private boolean isStopping() {
        return stopping.getAsBoolean() || runs.isStopping();
    }

    /** Sweeps every bound type once; returns how many aggregates it re-drove. Never throws. */
    int runOnce() {
        if (!runs.begin()) {
            return 0;
        }
        int redriven = 0;
        try {
            Instant dueBefore = scheduler.instant().minus(policy.gracePeriod());
            for (TypeSweep type : types) {
                if (isStopping()) {
                    break;
                }
                try {
                    redriven += sweep(type, dueBefore);
                } catch (RuntimeException e) {
                    LOG.warn("{} could not sweep {} now; it tries again in {}: {}", service, type.type,
                            policy.interval(), e.toString());
                }
            }
            if (redriven > 0) {
                LOG.info("{} re-drove {} aggregate(s) with events some binding had no ack for", service,
                        redriven);
            }
        } finally {
            runs.end();
        }
        return redriven;
    }

    private int sweep(TypeSweep state, Instant dueBefore) {
        if (!state.loaded) {
            // on the first run, not in the constructor: a store that cannot be reached now is tried again next run
            state.load(checkpoints);
        }
        Map<AggregateRef, Event> firstMissing = new LinkedHashMap<>();
        Map<Parked, Long> parkedNow = new HashMap<>();
        unparkedButBehind(state, firstMissing, parkedNow);
        long position = state.cursor;
        boolean advancing = position == state.checkpoint;
        boolean endOfPass = false;
        scan:
        for (int pages = 0; pages < MAX_PAGES_PER_RUN; pages++) {
            if (pages > 0 && isStopping()) {
                // the next run, after a restart, goes on from here
                break;
            }
            LogPage page = log.read(state.query(position, policy.pageSize()));
            List<LoggedEvent> due = new ArrayList<>();
            for (LoggedEvent logged : page.events()) {
                if (!isDue(logged, dueBefore)) {
                    break;
                }
                due.add(logged);
            }
            Map<BindingHandlers, Set<EventId>> acked = acknowledged(state, due);
            for (LoggedEvent logged : due) {
                Event event = logged.event();
                boolean missing = false;
                for (BindingHandlers binding : state.bindings) {
                    if (!state.owes(binding, logged) || acked.get(binding).contains(event.id())) {
                        continue;
                    }
                    Parked pair = new Parked(binding, event.aggregate());
                    if (parks && isParkedBefore(event, parkedNow.computeIfAbsent(pair,
                            p -> parking.parkedAt(binding.binding(), p.aggregate())))) {
                        // waits for the replay of its failure; watched in case the replay's re-drive is lost
                        state.parked.merge(pair, event.sequence(), Math::max);
                        continue;
                    }
                    missing = true;
                    break;
                }
                if (missing && !firstMissing.containsKey(event.aggregate())) {
                    if (firstMissing.size() == policy.maxRedrivesPerRun()) {
                        // the next run goes on from here
                        break scan;
                    }
                    firstMissing.put(event.aggregate(), event);
                }
                advancing = advancing && !missing;
                if (advancing) {
                    state.checkpoint = logged.position();
                }
                position = logged.position();
            }
            if (due.size() < page.events().size() || !page.hasMore()) {
                endOfPass = true;
                break;
            }
        }
        state.cursor = endOfPass ? state.checkpoint : position;
        saveCheckpoint(state);
        int redriven = 0;
        for (Map.Entry<AggregateRef, Event> entry : firstMissing.entrySet()) {
            if (isStopping()) {
                break;
            }
            LOG.debug("{} has no ack of some binding for {} and is past the grace period; re-driving {}",
                    service, entry.getValue(), entry.getKey());
            if (redrive.missing(entry.getKey(), entry.getValue())) {
                metrics.redriven(service, entry.getKey().type());
                redriven++;
            }
        }
        reportLag(state);
        return redriven;
    }

    /** Measures each binding of the type from the checkpoint this run reached; only when metrics are given. */
    private void reportLag(TypeSweep state) {
        if (metrics == EventsourceMetrics.NONE) {
            return;
        }
        try {
            long newest = log.newestPosition(state.type);
            Instant now = scheduler.instant();
            for (BindingHandlers binding : state.bindings) {
                BindingLag lag = lags.read(binding.binding(), state.checkpoint, newest, now);
                metrics.lag(binding.binding(), lag.events(), lag.oldestUnackedAge());
            }
        } catch (RuntimeException e) {
            LOG.debug("{} could not measure the lag of {} now; it measures it after its next run: {}", service,
                    state.type, e.toString());
        }
    }

    /** Saves the type's checkpoint for each of its bindings if it advanced; a failure waits for the next run. */
    private void saveCheckpoint(TypeSweep state) {
        if (state.checkpoint <= state.saved) {
            return;
        }
        try {
            for (BindingHandlers binding : state.bindings) {
                checkpoints.save(binding.binding(), state.checkpoint);
            }
            state.saved = state.checkpoint;
        } catch (RuntimeException e) {
            LOG.warn("{} could not save its checkpoint {} of {}; it saves it after its next run: {}", service,
                    state.checkpoint, state.type, e.toString());
        }
    }

    /**
     * Adds to {@code firstMissing} the watched aggregates whose binding is no longer parked on them but has not
     * handled up to what the checkpoint passed; forgets those it has.
     */
    private void unparkedButBehind(TypeSweep state, Map<AggregateRef, Event> firstMissing,
                                   Map<Parked, Long> parkedNow) {
        Iterator<Map.Entry<Parked, Long>> watched = state.parked.entrySet().iterator();
        while (watched.hasNext()) {
            Map.Entry<Parked, Long> entry = watched.next();
            Parked pair = entry.getKey();
            Binding binding = pair.binding().binding();
            long last = acks.lastSequence(binding.service(), binding.projection(), pair.aggregate());
            if (last >= entry.getValue()) {
                watched.remove();
                continue;
            }
            boolean parked = parking.isParked(binding, pair.aggregate(), last);
            parkedNow.put(pair, parked ? last : 0L);
            if (parked || firstMissing.containsKey(pair.aggregate())
                    || firstMissing.size() == policy.maxRedrivesPerRun()) {
                continue;
            }
            List<Event> next = log.read(pair.aggregate(), last + 1, last + 1);
            if (!next.isEmpty()) {
                firstMissing.put(pair.aggregate(), next.get(0));
            }
        }
    }

    /** Whether the event is one that waits behind the failed event at {@code parkedAt} (0: not parked). */
    private static boolean isParkedBefore(Event event, long parkedAt) {
        return parkedAt > 0 && event.sequence() > parkedAt;
    }

    /** Per binding, which of the events it is owed it has an ack for (one query per binding). */
    private Map<BindingHandlers, Set<EventId>> acknowledged(TypeSweep state, List<LoggedEvent> events) {
        Map<BindingHandlers, Set<EventId>> acked = new HashMap<>();
        for (BindingHandlers binding : state.bindings) {
            List<EventId> owed = new ArrayList<>(events.size());
            for (LoggedEvent logged : events) {
                if (state.owes(binding, logged)) {
                    owed.add(logged.event().id());
                }
            }
            acked.put(binding, owed.isEmpty() ? Set.of()
                    : acks.acknowledged(binding.binding().service(), binding.binding().projection(), owed));
        }
        return acked;
    }

    /** Past the grace period both since it occurred and since it was published (a back-dated event waits too). */
    private static boolean isDue(LoggedEvent logged, Instant dueBefore) {
        Instant occurred = logged.event().occurredAt();
        Instant published = logged.publishedAt();
        Instant latest = published != null && published.isAfter(occurred) ? published : occurred;
        return latest.isBefore(dueBefore);
    }

    /** A binding and an aggregate that the binding may be parked on. */
    private record Parked(BindingHandlers binding, AggregateRef aggregate) {
    }

    /** The sweep of one aggregate type: its bindings in this listener, its checkpoint and its cursor. */
    private static final class TypeSweep {
        private final AggregateType type;
        private final List<BindingHandlers> bindings;
        private final Instant owedFrom;
        /**
         * Null if a binding is owed everything or has a saved checkpoint; else the earliest instant any binding is
         * owed events from. Set by {@link #load}.
         */
        private Instant readFrom;
        /** Per binding, the checkpoint saved when this listener's first run loaded it; 0 if none. */
        private final Map<BindingHandlers, Long> savedAtStart = new HashMap<>();
        /** Whether {@link #load} has run. */
        private boolean loaded;
        /** The highest checkpoint saved (or loaded as the lowest of the bindings') by this listener. */
        private long saved;
        /** Every binding has an ack for every owed event at this position or before. */
        private long checkpoint;
        /** Where the next run reads from. */
        private long cursor;
        /** Parked pairs whose events the checkpoint passed, with the highest such sequence. */
        private final Map<Parked, Long> parked = new LinkedHashMap<>();

        TypeSweep(AggregateType type, List<BindingHandlers> bindings, Instant owedFrom) {
            this.type = type;
            this.bindings = bindings;
            this.owedFrom = owedFrom;
        }

        /** Starts from the lowest of the bindings' saved checkpoints. */
        void load(CheckpointStore store) {
            boolean anyFromPosition = false;
            long lowest = Long.MAX_VALUE;
            for (BindingHandlers binding : bindings) {
                long position = store.load(binding.binding());
                savedAtStart.put(binding, position);
                anyFromPosition |= binding.owedEverything() || position > 0;
                lowest = Math.min(lowest, position);
            }
            readFrom = anyFromPosition ? null : owedFrom;
            checkpoint = lowest;
            cursor = lowest;
            saved = lowest;
            loaded = true;
        }

        LogQuery query(long after, int pageSize) {
            return LogQuery.all().ofType(type).after(after).occurredBetween(readFrom, null).limit(pageSize);
        }

        /** Everything after the binding's saved checkpoint; with none, since the lookback or since the beginning. */
        boolean owes(BindingHandlers binding, LoggedEvent logged) {
            long from = savedAtStart.getOrDefault(binding, 0L);
            if (logged.position() <= from) {
                return false;
            }
            return from > 0 || binding.owedEverything() || !logged.event().occurredAt().isBefore(owedFrom);
        }
    }
}
