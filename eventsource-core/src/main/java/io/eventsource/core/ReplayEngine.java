package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ReplayRequest;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Replays a binding's events ({@link ReplayRequest}): sends them again through the service's queues of their
 * aggregates, so that the instance of the service that consumes each aggregate hands them to the binding once more,
 * in the aggregate's order of work, while the service's other bindings and the other services skip the copies. It
 * needs only the ports, so that an admin tool that is not a listener can drive it; {@link ProjectionBinding#replay}
 * drives it from a running listener.
 *
 * <p><b>How.</b> It counts the selected events first (reading the log by position, filtered by the binding's type,
 * and by the request's aggregate and times), fixing the last position to read at the newest selected one, and stores
 * the progress ({@link CheckpointStore#saveReplay}). Then, one step at a time on the scheduler, it takes the next
 * selected events in position order, at most a tenth of a second's worth of the throttle (and at most
 * {@value #MAX_STEP}); unless the request is failed-only, makes the binding forget its acks of them
 * ({@link AckStore#forget}); sends each aggregate's share, marked as a replay for the binding, through the service's
 * queue of the aggregate ({@link Redrive}: its partition queue if the namespace partitions the type) and announces
 * the aggregate, so that a live instance consumes the queue;
 * stores the progress; and waits as long as the throttle asks for the events it sent. A failed-only replay keeps the
 * failed acks (their attempts add up) and follows each aggregate's replays with its latest event, so that a binding
 * parked by the failure goes on with the aggregate once the replay succeeds.
 *
 * <p><b>What it guarantees.</b> Each selected event is handed to the binding once more per replay: its ack was
 * forgotten (or is a failure), so the consumer handles the marked copy, records the ack, and skips any other copy of it
 * (a broker redelivery, the sweeper's) as usual. Per aggregate in sequence order: the events of one aggregate go in
 * position order, which is sequence order, through one queue with one active consumer; a consumer that knows the
 * binding handled them takes the copy as a replay, not as a lost ack. The other bindings keep their acks and skip the
 * copies. A crash of the process that drives it loses no selected event: progress is stored after each step and only
 * once that step's events were sent, and {@link #replay} with the same id goes on after the stored position; the events
 * of the one step in progress at the crash (at most {@value #MAX_STEP}) are then sent again and may be handled twice.
 * One process drives a replay at a time: it holds a lease of the registry named after the replay, renewed each step;
 * another process that resumes the replay waits until the lease has lapsed.
 *
 * <p><b>What it does not promise.</b> Replayed events are old: a binding handles them after the newer events it
 * already handled, and events published meanwhile may interleave with an aggregate's replays (in their own order). A
 * sweep that runs in the moment between a step's forgetting and the handling of that step may re-drive one of its
 * aggregates from the first forgotten event: each event is still handled once, but not necessarily in order. It
 * waits while no instance of the binding's service is live (the copies would expire with its queues).
 *
 * <p>Thread-safe; each replay runs on the scheduler, one step at a time.
 */
public final class ReplayEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayEngine.class);
    /** The most events sent in one step; also the most sent twice after a crash. */
    public static final int MAX_STEP = 1000;
    /** How long a replay's lease runs without being renewed, by default. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);
    /** How long a replay waits before it tries again: for its lease, a live instance, or a store that failed. */
    static final Duration WAIT = Duration.ofSeconds(1);
    /** How many events one read of the log fetches. */
    static final int PAGE = 1000;
    /** How long a step's worth of the throttle is. */
    private static final Duration STEP = Duration.ofMillis(100);

    private final EventLog log;
    private final AckStore acks;
    private final MessageBus bus;
    private final ServiceRegistry registry;
    private final CheckpointStore store;
    private final Scheduler scheduler;
    private final Duration leaseTtl;
    /** The service whose listener drives the replays here, or null: no queue is consumed here. */
    private final ServiceName localService;
    private final Redrive.Queues localQueues;
    /** The topology of each type, as the namespace agreed it: the bus must route the copies as the consumers read. */
    private final Topologies topologies;
    private final String holder = "replay-" + UUID.randomUUID();

    /**
     * An engine on the ports, for a process that is not a listener of the binding's service (an admin tool): the
     * service's live instances consume the queues, told by the aggregates' announcements.
     *
     * @param store where the replays' progress is stored: the adapter's checkpoint store, so that it survives a crash
     */
    public ReplayEngine(EventLog log, AckStore acks, MessageBus bus, ServiceRegistry registry, CheckpointStore store,
                        Scheduler scheduler) {
        this(log, acks, bus, registry, store, scheduler, DEFAULT_LEASE_TTL);
    }

    /**
     * As {@link #ReplayEngine(EventLog, AckStore, MessageBus, ServiceRegistry, CheckpointStore, Scheduler)}, with the
     * time to live of the replays' leases: how long a process that resumes a replay of a crashed one waits at most.
     *
     * @throws InvalidValueException if {@code leaseTtl} is not positive
     */
    public ReplayEngine(EventLog log, AckStore acks, MessageBus bus, ServiceRegistry registry, CheckpointStore store,
                        Scheduler scheduler, Duration leaseTtl) {
        this(log, acks, bus, registry, store, scheduler, leaseTtl, null, null,
                new Topologies(registry, bus, EventsourceOptions.defaults(), scheduler, WAIT));
    }

    /**
     * An engine of a runtime: of a listener of {@code localService}, which consumes the queues it sends through, or
     * (both null) of none; with the runtime's topologies.
     */
    ReplayEngine(EventLog log, AckStore acks, MessageBus bus, ServiceRegistry registry, CheckpointStore store,
                 Scheduler scheduler, Duration leaseTtl, ServiceName localService, Redrive.Queues localQueues,
                 Topologies topologies) {
        this.log = Objects.requireNonNull(log, "log");
        this.acks = Objects.requireNonNull(acks, "acks");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (leaseTtl == null || leaseTtl.isNegative() || leaseTtl.isZero()) {
            throw new InvalidValueException("a replay's lease time to live must be positive, got " + leaseTtl);
        }
        this.leaseTtl = leaseTtl;
        this.localService = localService;
        this.localQueues = localQueues;
        this.topologies = Objects.requireNonNull(topologies, "topologies");
    }

    /**
     * Starts the replay of the binding's events that the request selects, or goes on with the replay stored under the
     * request's id (after a crash, or a {@link ReplayRun#pause()}), at the request's throttle. Counting the selected
     * events is done before this returns; the events are sent afterwards, on the scheduler.
     *
     * @return the replay in progress: its progress, and a stage that completes when it has sent everything
     * @throws InvalidValueException if the id names a replay of another binding or of another selection
     * @throws PortException if the log, the ack store or the checkpoint store cannot be reached; nothing was started
     */
    public ReplayRun replay(Binding binding, ReplayRequest request) {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(request, "request");
        Optional<ReplayProgress> stored = store.loadReplay(request.id());
        ReplayProgress progress;
        if (stored.isPresent()) {
            ReplayProgress found = stored.get();
            if (!found.binding().equals(binding)
                    || !found.request().throttle(request.eventsPerSecond()).equals(request)) {
                throw new InvalidValueException("replay " + request.id() + " is a replay of " + found.binding() + " "
                        + found.request() + "; give this one another id");
            }
            progress = new ReplayProgress(found.id(), binding, request, found.selected(), found.sent(),
                    found.lastPosition(), found.upToPosition(), found.finished(), found.startedAt(),
                    found.updatedAt());
            if (!progress.finished()) {
                LOG.info("{} goes on with replay {} after position {}: {} of {} sent", binding, request.id(),
                        progress.lastPosition(), progress.sent(), progress.selected());
            }
        } else {
            progress = start(binding, request);
        }
        ReplayRun run = new ReplayRun(progress);
        if (progress.finished()) {
            run.finish(progress);
        } else {
            scheduler.schedule(Duration.ZERO, () -> step(run));
        }
        return run;
    }

    /**
     * The progress stored under the id, if any: what a process that does not drive the replay shows.
     *
     * @throws PortException if the checkpoint store cannot be reached
     */
    public Optional<ReplayProgress> progress(ReplayId id) {
        return store.loadReplay(Objects.requireNonNull(id, "id"));
    }

    /**
     * The replays of the service's bindings, finished or not, oldest first.
     *
     * @throws PortException if the checkpoint store cannot be reached
     */
    public List<ReplayProgress> replays(ServiceName service) {
        return store.replays(Objects.requireNonNull(service, "service"));
    }

    private ReplayProgress start(Binding binding, ReplayRequest request) {
        long selected = 0;
        long newest = request.fromPosition() - 1;
        LogQuery query = query(binding, request, request.fromPosition() - 1);
        while (true) {
            LogPage page = log.read(query);
            List<LoggedEvent> events = inRange(page.events(), request.toPosition());
            Map<AckKey, Ack> failed = request.onlyFailed() ? acksOf(binding, events) : Map.of();
            for (LoggedEvent logged : events) {
                if (selects(binding, request, failed, logged)) {
                    selected++;
                    newest = logged.position();
                }
            }
            if (events.size() < page.events().size() || !page.hasMore() || page.events().isEmpty()) {
                break;
            }
            query = query.after(page.lastPosition());
        }
        if (request.isReset()) {
            store.rewind(binding, request.fromPosition() - 1);
        }
        ReplayProgress progress = ReplayProgress.started(binding, request, selected, newest, scheduler.instant());
        store.saveReplay(progress);
        LOG.info("{} starts replay {}: {} event(s) of positions {}..{}{}", binding, request.id(), selected,
                request.fromPosition(), newest, request.isReset() ? ", its checkpoint rewound to "
                        + (request.fromPosition() - 1) : "");
        return progress;
    }

    /** One step of the run: the next selected events sent, the progress stored, the next step scheduled. */
    private void step(ReplayRun run) {
        ReplayProgress progress = run.progress();
        if (run.isPaused()) {
            run.finish(progress);
            return;
        }
        Binding binding = progress.binding();
        ReplayRequest request = progress.request();
        try {
            Instant now = scheduler.instant();
            if (!registry.holdLease("replay-" + progress.id().value(), holder, now, leaseTtl)) {
                run.waiting("another process drives replay " + progress.id() + "; waiting for its lease");
                scheduler.schedule(WAIT, () -> step(run));
                return;
            }
            if (!registry.liveServices(binding.type(), now).contains(binding.service())) {
                run.waiting("no instance of " + binding.service() + " is live to handle replay " + progress.id()
                        + "; waiting for one");
                scheduler.schedule(WAIT, () -> step(run));
                return;
            }
            run.going();
            Batch batch = next(progress, stepSize(request));
            if (!batch.events().isEmpty()) {
                send(binding, request, batch.events());
            }
            ReplayProgress advanced = progress.advanced(batch.events().size(), batch.lastPosition(),
                    scheduler.instant());
            if (batch.exhausted()) {
                advanced = advanced.done(scheduler.instant());
            }
            store.saveReplay(advanced);
            run.advanced(advanced);
            if (advanced.finished()) {
                LOG.info("{} finished replay {}: {} event(s) sent", binding, progress.id(), advanced.sent());
                run.finish(advanced);
                return;
            }
            scheduler.schedule(Duration.ofNanos(batch.events().size() * 1_000_000_000L / request.eventsPerSecond()),
                    () -> step(run));
        } catch (PortException e) {
            if (!e.isTransient()) {
                LOG.warn("{} stops replay {} at position {}: {}", binding, progress.id(), progress.lastPosition(),
                        e.toString());
                run.fail(e);
                return;
            }
            LOG.warn("{} could not go on with replay {} now; trying again in {}: {}", binding, progress.id(), WAIT,
                    e.toString());
            scheduler.schedule(WAIT, () -> step(run));
        } catch (RuntimeException e) {
            LOG.warn("{} stops replay {} at position {}", binding, progress.id(), progress.lastPosition(), e);
            run.fail(e);
        }
    }

    /** A tenth of a second's worth of the throttle, 1 to {@value #MAX_STEP}. */
    private static int stepSize(ReplayRequest request) {
        long perStep = request.eventsPerSecond() * STEP.toMillis() / 1000;
        return (int) Math.max(1, Math.min(MAX_STEP, perStep));
    }

    /** The next selected events after the progress's position, at most {@code size}. */
    private Batch next(ReplayProgress progress, int size) {
        Binding binding = progress.binding();
        ReplayRequest request = progress.request();
        long last = progress.lastPosition();
        LogPage page = log.read(query(binding, request, last).limit(PAGE));
        List<LoggedEvent> events = inRange(page.events(), progress.upToPosition());
        Map<AckKey, Ack> failed = request.onlyFailed() ? acksOf(binding, events) : Map.of();
        List<LoggedEvent> selected = new ArrayList<>();
        for (LoggedEvent logged : events) {
            last = logged.position();
            if (selects(binding, request, failed, logged)) {
                selected.add(logged);
                if (selected.size() == size) {
                    break;
                }
            }
        }
        if (events.isEmpty()) {
            // nothing left in the log, or the next event is past the last position to read
            return new Batch(selected, last, true);
        }
        boolean readAll = selected.size() < size || last == events.get(events.size() - 1).position();
        boolean exhausted = readAll && (events.size() < page.events().size() || !page.hasMore()
                || last >= progress.upToPosition());
        return new Batch(selected, last, exhausted);
    }

    /**
     * Sends the events, per aggregate in position order, through the service's queues; unless failed-only, the
     * binding's acks of them are forgotten first, so that their copies are handled.
     */
    private void send(Binding binding, ReplayRequest request, List<LoggedEvent> events) {
        if (!request.onlyFailed()) {
            List<EventId> ids = events.stream().map(logged -> logged.event().id()).toList();
            acks.forget(binding, ids);
        }
        // the namespace's topology of the type, as the relay follows it: the bus routes to the queues consumed
        topologies.forRelay(binding.type());
        Map<AggregateRef, List<Event>> byAggregate = new LinkedHashMap<>();
        for (LoggedEvent logged : events) {
            byAggregate.computeIfAbsent(logged.event().aggregate(), a -> new ArrayList<>())
                    .add(Replay.marked(logged.event(), binding));
        }
        Redrive redrive = new Redrive(binding.service(), bus, log, acks, queuesFor(binding.service()));
        for (Map.Entry<AggregateRef, List<Event>> entry : byAggregate.entrySet()) {
            redrive.replay(entry.getKey(), entry.getValue(), request.onlyFailed());
            bus.announce(entry.getKey());
        }
    }

    private Redrive.Queues queuesFor(ServiceName service) {
        if (service.equals(localService)) {
            return localQueues;
        }
        return new Redrive.Queues() {
            @Override
            public boolean consume(AggregateRef aggregate) {
                // not a listener of the service here: the announcement makes a live instance consume the queue
                return true;
            }

            @Override
            public boolean isRetrying(AggregateRef aggregate) {
                return false;
            }

            @Override
            public boolean holdsFrom(AggregateRef aggregate, long sequence) {
                return false;
            }
        };
    }

    private static LogQuery query(Binding binding, ReplayRequest request, long after) {
        LogQuery query = LogQuery.all().ofType(binding.type()).limit(PAGE).after(after)
                .occurredBetween(request.occurredFrom(), request.occurredBefore());
        return request.aggregateId() == null ? query : query.ofAggregate(binding.type(), request.aggregateId());
    }

    private static List<LoggedEvent> inRange(List<LoggedEvent> events, long toPosition) {
        int end = 0;
        while (end < events.size() && events.get(end).position() <= toPosition) {
            end++;
        }
        return events.subList(0, end);
    }

    private Map<AckKey, Ack> acksOf(Binding binding, List<LoggedEvent> events) {
        if (events.isEmpty()) {
            return Map.of();
        }
        return acks.find(events.stream().map(logged -> AckKey.of(logged.event().id(), binding)).toList());
    }

    private static boolean selects(Binding binding, ReplayRequest request, Map<AckKey, Ack> acksOfEvents,
                                   LoggedEvent logged) {
        if (!request.onlyFailed()) {
            return true;
        }
        Ack ack = acksOfEvents.get(AckKey.of(logged.event().id(), binding));
        return ack != null && !ack.isOk();
    }

    /** The events of one step, the position up to which they cover the selection, and whether nothing follows. */
    private record Batch(List<LoggedEvent> events, long lastPosition, boolean exhausted) {
    }
}
