package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.SequenceRange;
import io.eventsource.ports.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A listener's consumers of aggregate queues, one per aggregate, and their hand-over: an announced aggregate gets a
 * consumer unless it has one; at most {@link EventsourceOptions#maxConsumers()} are open at a time, and further
 * aggregates wait their turn; a consumer that ends (idle, queue deleted, connection lost) is kept until its lane is
 * idle, so that the aggregate's next consumer starts after it; a queue lost with the connection is consumed again
 * within seconds, and one whose consumer ended idle as messages came is consumed again at once; a queue that is gone
 * when it is consumed is declared anew, and the re-drive brings what it held.
 *
 * <p>Thread-safe: announcements, bus callbacks, re-drives and timers all call in.
 */
final class AggregateConsumers implements Redrive.Queues {
    /** The listener's: operators know these lines (consume, resume) by the listener's name. */
    private static final Logger LOG = LoggerFactory.getLogger(BusListener.class);
    /** Upper bound of the aggregates waiting for a consumer slot; beyond it the oldest waiter is left to the sweeper. */
    private static final int MAX_WAITING = 100_000;
    /** How long a listener waits before it consumes again a queue it lost with its connection, and between tries. */
    static final Duration RESUME_DELAY = Duration.ofSeconds(1);

    private final ServiceName service;
    private final MessageBus bus;
    /** Reads of the log, shared with the checks of deliveries. */
    private final SharedReads<SequenceRange, List<LoggedEvent>> log;
    private final Scheduler scheduler;
    private final ExpiryPolicy expiry;
    private final int maxConsumers;
    private final Dispatcher dispatcher;
    private final Consumer<AggregateRef> mayHaveLost;
    private final ConcurrentMap<AggregateRef, AggregateConsumer> consumers = new ConcurrentHashMap<>();
    /** The consumers that have not ended: what counts against the cap, without a walk over all of them. */
    private final Set<AggregateConsumer> open = ConcurrentHashMap.newKeySet();
    /** Aggregates waiting for a consumer slot, oldest first; also the lock of the cap. */
    private final Set<AggregateRef> waiting = new LinkedHashSet<>();
    private final AtomicLong droppedAnnouncements = new AtomicLong();
    private volatile boolean stopping;

    /**
     * @param mayHaveLost told of an aggregate whose queue may have lost what it held: it had to be declared before it
     *                    could be consumed (it expired, or never existed for this service), or it is consumed again
     *                    after a lost connection (a broker that restarted keeps no transient message); the caller
     *                    catches the bindings up from the log
     */
    AggregateConsumers(ServiceName service, MessageBus bus, SharedReads<SequenceRange, List<LoggedEvent>> log, Scheduler scheduler, ExpiryPolicy expiry,
                       EventsourceOptions options, Dispatcher dispatcher, Consumer<AggregateRef> mayHaveLost) {
        this.service = service;
        this.bus = bus;
        this.log = log;
        this.scheduler = scheduler;
        this.expiry = expiry;
        this.maxConsumers = options.maxConsumers();
        this.dispatcher = dispatcher;
        this.mayHaveLost = mayHaveLost;
    }

    /**
     * An aggregate has news: consume its queue unless this listener already does. An announcement is a hint from
     * whoever can write to the exchange, so it makes broker objects only for an aggregate that the log has events of.
     */
    void announced(AggregateRef aggregate) {
        if (stopping || isConsuming(aggregate)) {
            return;
        }
        try {
            // the aggregate's first event, rather than its version: a read that goes together with others
            if (log.read(new SequenceRange(aggregate, 1, 1)).isEmpty()) {
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

    /** How many aggregate queues this listener consumes now. */
    int active() {
        return open.size();
    }

    /** How many announcements named an aggregate that the log holds no event of. */
    long droppedAnnouncements() {
        return droppedAnnouncements.get();
    }

    /** Whether this listener consumes the aggregate's queue (or waits as a standby consumer of it); never blocks. */
    boolean isConsuming(AggregateRef aggregate) {
        AggregateConsumer existing = consumers.get(aggregate);
        return existing != null && existing.isOpen();
    }

    @Override
    public boolean isRetrying(AggregateRef aggregate) {
        AggregateConsumer existing = consumers.get(aggregate);
        return existing != null && existing.isOpen() && existing.isRetrying();
    }

    @Override
    public boolean holdsFrom(AggregateRef aggregate, long sequence) {
        AggregateConsumer existing = consumers.get(aggregate);
        return existing != null && existing.holdsFrom(sequence);
    }

    /**
     * Consumes the aggregate's queue unless this listener already does; while {@link EventsourceOptions#maxConsumers()}
     * consumers are open, the aggregate waits its turn (the first consumer to end starts it).
     *
     * @return false if the broker refused: the caller decides whether to try again
     */
    @Override
    public boolean consume(AggregateRef aggregate) {
        if (stopping) {
            return true;
        }
        synchronized (waiting) {
            if (!isConsuming(aggregate) && open.size() >= maxConsumers) {
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
            open.remove(existing);
            consumers.remove(aggregate, existing);
        }
        AggregateConsumer consumer = new AggregateConsumer(aggregate, service + "/" + aggregate, dispatcher,
                scheduler, this::isStopping, this::ended);
        if (existing != null) {
            consumer.after(existing);
        }
        if (consumers.putIfAbsent(aggregate, consumer) != null) {
            return true;
        }
        open.add(consumer);
        try {
            consumer.subscribed(subscribe(aggregate, consumer));
            return true;
        } catch (RuntimeException e) {
            consumers.remove(aggregate, consumer);
            open.remove(consumer);
            consumer.cancel();
            LOG.warn("{} could not consume {}; the next announcement or gap fill brings its events: {}", service,
                    aggregate, e.toString());
            return false;
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
            mayHaveLost.accept(aggregate);
            return subscription;
        }
    }

    /** Starts the next waiting aggregate, if a consumer slot is free. */
    private void startWaiting() {
        AggregateRef next;
        synchronized (waiting) {
            if (waiting.isEmpty() || open.size() >= maxConsumers) {
                return;
            }
            next = waiting.iterator().next();
            waiting.remove(next);
        }
        consume(next);
    }

    /**
     * Consumes again, within seconds, a queue whose consumer this listener lost with its connection, so that the
     * messages queued there are handled now rather than at the aggregate's next news or the next sweep; and catches
     * up from the log what the queue may have lost (a broker that restarted keeps no transient message), rather than
     * leave it to the sweeper. Tries every {@link #RESUME_DELAY} while the broker reconnects, for the longer of the
     * queue expiry and the liveness TTL (once the queue has expired, {@link #subscribe} declares it again and the
     * re-drive catches up from the log).
     */
    private void resume(AggregateRef aggregate, int attempt) {
        if (stopping || isConsuming(aggregate)) {
            return;
        }
        boolean resumed;
        try {
            resumed = consume(aggregate);
        } catch (RuntimeException e) {
            resumed = false;
        }
        if (resumed) {
            try {
                mayHaveLost.accept(aggregate);
            } catch (RuntimeException e) {
                LOG.warn("{} consumes {} again but could not catch it up from the log; the sweeper will: {}", service,
                        aggregate, e.toString());
            }
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

    /** The consumer's subscription ended (idle, queue deleted, connection lost, cancelled): forget it. */
    private void ended(AggregateConsumer consumer, EndReason reason) {
        open.remove(consumer);
        // kept until its lane is idle, so that a new consumer of the aggregate starts after it (see consume)
        consumer.whenIdle().thenRun(() -> {
            consumers.remove(consumer.aggregate(), consumer);
            startWaiting();
        });
        LOG.debug("{} stopped consuming {}: {}", service, consumer.aggregate(), reason);
        if (reason == EndReason.CONNECTION_LOST && !stopping) {
            scheduler.schedule(RESUME_DELAY, () -> resume(consumer.aggregate(), 1));
        } else if (reason == EndReason.IDLE_WITH_RETURNED_MESSAGES && !stopping) {
            // messages came as it ended idle, and went back to the queue: their announcement may have found this
            // consumer still open, so nothing else brings them before the sweeper; consume again now
            scheduler.execute(() -> again(consumer.aggregate()));
        }
    }

    /** Consumes the aggregate's queue again at once; if the broker refuses now, within seconds. */
    private void again(AggregateRef aggregate) {
        if (!stopping && !consume(aggregate)) {
            scheduler.schedule(RESUME_DELAY, () -> resume(aggregate, 2));
        }
    }

    /** Whether {@link #stop()} was called: nothing more starts. */
    boolean isStopping() {
        return stopping;
    }

    /**
     * Stops every consumer once the event in progress in its lane is done; their queued deliveries return to the
     * queue. Completes when all have stopped.
     */
    CompletableFuture<Void> stop() {
        stopping = true;
        List<CompletableFuture<Void>> finishing = new ArrayList<>();
        for (AggregateConsumer consumer : List.copyOf(consumers.values())) {
            finishing.add(consumer.stop());
        }
        return CompletableFuture.allOf(finishing.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            // any consumer added while stopping received nothing it started
            consumers.values().forEach(AggregateConsumer::cancel);
            consumers.clear();
            open.clear();
        });
    }
}
