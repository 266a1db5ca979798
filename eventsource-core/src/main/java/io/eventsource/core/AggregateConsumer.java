package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.Subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * This listener's consumer of one aggregate queue: the bus subscription, the serial lane its deliveries run in, the
 * messages prefetched behind the one in progress, and what it knows of the aggregate while it is the queue's active
 * consumer ({@link KnownAcks}, events read ahead from the log). Its first delivery waits one turn of the scheduler,
 * so that the messages the bus prefetched with it are here when it reads what it does not know yet, and one batch of
 * reads serves them all; after that, deliveries run as they come. Once the subscription ends, or the listener stops,
 * deliveries still queued in the lane are dropped unhandled: the bus has returned them (or returns them) to the queue
 * for the next consumer, and handling them here too would run one aggregate in two places at once.
 */
final class AggregateConsumer implements DeliveryListener {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** {@link #freshAfter()} of a consumer none of whose aggregates is fresh: no position is after it. */
    static final long NEVER_FRESH = Long.MAX_VALUE;

    /** What the consumer tells the one that keeps it. */
    interface Keeper {
        /** The bus ended the consumer's subscription; no delivery follows. */
        void ended(AggregateConsumer consumer, EndReason reason);
    }

    private final AggregateRef aggregate;
    private final Dispatcher dispatcher;
    private final Scheduler scheduler;
    private final BooleanSupplier stopping;
    private final Keeper keeper;
    private final SerialLane lane;
    private final LongSupplier freshAfter;
    /** Deliveries handed to the lane that have not started: the messages prefetched behind the one in progress. */
    private final Queue<Delivery> waiting = new ConcurrentLinkedQueue<>();
    private final KnownAcks known = new KnownAcks();
    /** Events read ahead from the log for the messages that follow; the log never changes an event. */
    private final NavigableMap<Long, Event> logged = new ConcurrentSkipListMap<>();
    /** Outcomes of handlers whose acks could not be written yet: recorded at the message's next try, not handled again. */
    private final Map<AckKey, Ack> unrecorded = new ConcurrentHashMap<>();
    /** Per message (event id), how often this consumer returned it to the queue unhandled. */
    private final Map<EventId, Integer> retries = new ConcurrentHashMap<>();
    private volatile Subscription subscription;
    private volatile boolean ended;
    /** Whether a delivery came; only the bus's delivery calls, one at a time, read and write it. */
    private boolean delivered;

    /**
     * A consumer of an aggregate queue: a delivery starts on the bus's thread that hands it over while the lane is
     * idle, there asks its reads, and goes on on the scheduler's workers; so does the next one after an event whose
     * ack, retry or hand-over completed later, never on the thread that completed it (an ack store's one completion
     * thread, a timer), which other aggregates wait for.
     *
     * @param laneName names the lane in logs
     * @param stopping whether the listener is stopping: then nothing more starts here
     */
    AggregateConsumer(AggregateRef aggregate, String laneName, Dispatcher dispatcher, Scheduler scheduler,
                      BooleanSupplier stopping, Keeper keeper) {
        this(aggregate, SerialLane.resumingOn(laneName, scheduler::execute), dispatcher, scheduler, stopping, keeper,
                () -> NEVER_FRESH);
    }

    /**
     * A consumer whose deliveries run in {@code lane}: for one aggregate among many on a partition's subscription,
     * a lane that starts its work on another thread, so that one aggregate's handler does not hold up the others.
     *
     * @param freshAfter {@link #freshAfter()}, as the partition's consumer knows it at each call
     */
    AggregateConsumer(AggregateRef aggregate, SerialLane lane, Dispatcher dispatcher, Scheduler scheduler,
                      BooleanSupplier stopping, Keeper keeper, LongSupplier freshAfter) {
        this.aggregate = aggregate;
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.stopping = stopping;
        this.keeper = keeper;
        if (lane.executor() == null) {
            throw new IllegalArgumentException("an aggregate's lane needs an executor for its deliveries to go on on"
                    + " after their reads: " + aggregate);
        }
        this.lane = lane;
        this.freshAfter = freshAfter;
    }

    AggregateRef aggregate() {
        return aggregate;
    }

    void subscribed(Subscription value) {
        subscription = value;
        if (ended) {
            value.cancel();
        }
    }

    @Override
    public void onDelivery(Delivery delivery) {
        if (ended || stopping.getAsBoolean()) {
            // left unsettled: it returns to the queue when the subscription ends
            return;
        }
        waiting.add(delivery);
        if (!delivered) {
            delivered = true;
            lane.submitNonBlocking(this::handedOver);
        }
        Thread delivering = Thread.currentThread();
        lane.submit(() -> {
            waiting.remove(delivery);
            if (hasEnded() || stopping.getAsBoolean()) {
                // not started: the bus returns it to the queue when the subscription ends
                return DONE;
            }
            return dispatcher.process(this, delivery, Thread.currentThread() == delivering);
        });
    }

    /**
     * True: a delivery goes to the aggregate's lane, and where the lane was idle only asks its reads on the caller's
     * thread ({@link Dispatcher#process}); its handlers and stores run on the runtime's scheduler. (A hand-over to
     * another instance cancels the subscription, which the bus does off the caller's thread.)
     */
    @Override
    public boolean returnsAtOnce() {
        return true;
    }

    /**
     * Completes one turn of the scheduler later: the bus has then handed over the messages it prefetched with the
     * first one, and the first delivery's reads of what this consumer does not know yet serve them too.
     */
    private CompletionStage<Void> handedOver() {
        CompletableFuture<Void> later = new CompletableFuture<>();
        try {
            scheduler.schedule(Duration.ZERO, () -> later.complete(null));
        } catch (RuntimeException closing) {
            later.complete(null);
        }
        return later;
    }

    @Override
    public void onEnded(EndReason reason) {
        ended = true;
        keeper.ended(this, reason);
    }

    /** Whether the subscription has ended (as told by the bus, or as its handle already shows). */
    boolean hasEnded() {
        Subscription current = subscription;
        return ended || (current != null && !current.isOpen());
    }

    /**
     * Makes this consumer's first delivery wait until {@code previous} (an ended consumer of the same
     * aggregate) has finished whatever it still had in progress: one aggregate never runs in two lanes at once.
     */
    void after(AggregateConsumer previous) {
        lane.submitNonBlocking(previous.lane::whenIdle);
    }

    /**
     * Whether a message of the aggregate at or after {@code sequence} waits in this consumer's lane, not started: its
     * delivery handles the event at {@code sequence}, or fills the gap up to it from the log, for every binding that
     * lacks it (or, if the consumer ends first, the message goes back to the queue for the next consumer).
     */
    boolean holdsFrom(long sequence) {
        if (hasEnded()) {
            return false;
        }
        for (Delivery delivery : waiting) {
            if (delivery.event().sequence() >= sequence) {
                return true;
            }
        }
        return false;
    }

    /** The messages prefetched behind the one in progress, in queue order, at most {@code limit}. */
    List<Delivery> waiting(int limit) {
        List<Delivery> next = new ArrayList<>(Math.min(limit, 64));
        for (Delivery delivery : waiting) {
            if (next.size() == limit) {
                break;
            }
            next.add(delivery);
        }
        return next;
    }

    /** Where this consumer's deliveries go on after a read that no thread waits for: its lane's executor. */
    Executor readsOn() {
        return lane.executor();
    }

    /**
     * The log position after which the first event of an aggregate makes it fresh for this consumer: appended after
     * the consumer became the active consumer of the aggregate's partition, and after the consumer last forgot an
     * aggregate. No other consumer had a message of a fresh aggregate, and this one remembers all it did with it, so
     * no binding has a position on it to read. {@link #NEVER_FRESH} while the partition's consumer does not know it,
     * and for the consumer of an aggregate queue.
     */
    long freshAfter() {
        return freshAfter.getAsLong();
    }

    /** What this consumer knows of the acks of its aggregate. */
    KnownAcks known() {
        return known;
    }

    /** The log's event at {@code sequence} if it was read ahead, and forgets it and everything before it. */
    Event loggedAt(long sequence) {
        Event event = logged.get(sequence);
        logged.headMap(sequence, true).clear();
        return event;
    }

    /** Keeps events read ahead from the log. */
    void rememberLogged(List<LoggedEvent> events) {
        for (LoggedEvent read : events) {
            logged.put(read.event().sequence(), read.event());
        }
    }

    /** The outcome of the binding's handler of the event, kept because its ack could not be written; or null. */
    Ack unrecorded(AckKey key) {
        return unrecorded.get(key);
    }

    /** Keeps a handler's outcome whose ack could not be written, for the message's next try. */
    void keepUnrecorded(Ack ack) {
        unrecorded.put(ack.key(), ack);
    }

    /** The ack is durable: nothing kept for it any more, and what this consumer knows follows it. */
    void recorded(Ack ack) {
        unrecorded.remove(ack.key());
        known.recorded(ack);
    }

    /** Counts one more return of the event's message to the queue; returns the count. */
    int countRetry(EventId event) {
        return retries.merge(event, 1, Integer::sum);
    }

    /** Whether a message of this consumer waits to be tried again: the aggregate is being worked on. */
    boolean isRetrying() {
        return !retries.isEmpty();
    }

    /** The event's message was settled: its count starts again. */
    void forgetRetries(EventId event) {
        retries.remove(event);
    }

    /** Whether it still consumes (or waits as a standby consumer of) the queue. */
    boolean isOpen() {
        return !hasEnded();
    }

    CompletableFuture<Void> whenIdle() {
        return lane.whenIdle();
    }

    /** Once the event in progress is done: ends the subscription; queued deliveries return to the queue. */
    CompletableFuture<Void> stop() {
        return lane.whenIdle().thenRun(this::cancel);
    }

    /** Ends the subscription now (also when its subscribe call failed). */
    void cancel() {
        ended = true;
        Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
