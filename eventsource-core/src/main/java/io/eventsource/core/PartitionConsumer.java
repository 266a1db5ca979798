package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * This listener's subscription to one partition queue of a partitioned type, and the aggregates it carries: each
 * aggregate's deliveries go to an {@link AggregateConsumer} of its own, in arrival order, with a lane that starts its
 * work on the runtime's scheduler, so that the aggregates of the partition are handled in parallel and one slow or
 * parked aggregate does not hold up the others. Everything the dispatcher does for an aggregate queue (the log
 * decides, dedupe, gap fill, parking, replay marks, what the consumer knows of the acks while it is the active
 * consumer) it does here per aggregate. An aggregate that had nothing for a consumer idle timeout is forgotten, so
 * that what is known of it (its acks, events read ahead) does not grow with every aggregate the partition ever saw.
 *
 * <p>Fresh aggregates. Once a delivery shows that this consumer is the partition's active consumer, it reads the log's
 * newest position of the type, and again after each idle check that forgot an aggregate. An aggregate whose first
 * event the log appended after that position is fresh ({@link AggregateConsumer#freshAfter()}): every message of the
 * event was sent after the append, so only this consumer had one, and it forgot nothing of the aggregate since. Its
 * first delivery needs no read of the bindings' positions: there are none. Until the position is read, and for an
 * aggregate that is not fresh, the positions are read as for any aggregate this consumer does not know.
 *
 * <p>Ending ({@link #handOff()}, the listener stopping): nothing more starts, the work in progress finishes, then the
 * subscription is cancelled, and the prefetched messages that did not start return to the queue, in order, for the
 * partition's next active consumer.
 */
final class PartitionConsumer implements DeliveryListener {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionConsumer.class);

    /** What the partition consumer tells, and asks, the one that keeps it. */
    interface Keeper {
        /**
         * A delivery arrived: whether to hand the partition over instead of handling it (this instance is its active
         * consumer, but another live instance should be). The delivery is then left unsettled.
         */
        boolean handsOver(PartitionConsumer consumer);

        /** The subscription ended; no delivery follows. */
        void ended(PartitionConsumer consumer, EndReason reason);
    }

    private final AggregateType type;
    private final int partition;
    private final String name;
    private final Dispatcher dispatcher;
    private final Scheduler scheduler;
    private final Executor lanes;
    private final BooleanSupplier listenerStopping;
    private final Keeper keeper;
    /** The consumer of the partition before this one, whose aggregates' work in progress runs before this one's. */
    private final PartitionConsumer previous;
    private final Map<AggregateRef, Aggregate> aggregates = new HashMap<>();
    /** The newest position of the type that the log had once this consumer was active, or NEVER_FRESH. */
    private volatile long freshAfter = AggregateConsumer.NEVER_FRESH;
    /** The idle checks that forgot an aggregate (guarded by {@link #aggregates}): a position read before one is old. */
    private int forgettings;
    /** Whether a delivery came to be handled here: the broker made this the partition's active consumer. */
    private volatile boolean active;
    private volatile Subscription subscription;
    private volatile boolean ending;
    private volatile boolean ended;

    /**
     * @param name     names the partition and its lanes in logs
     * @param lanes    where an aggregate's lane starts its work
     * @param previous the partition's consumer before this one, or null
     */
    PartitionConsumer(AggregateType type, int partition, String name, Dispatcher dispatcher, Scheduler scheduler,
                      Executor lanes, BooleanSupplier listenerStopping, Keeper keeper, PartitionConsumer previous) {
        this.type = type;
        this.partition = partition;
        this.name = name;
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.lanes = lanes;
        this.listenerStopping = listenerStopping;
        this.keeper = keeper;
        this.previous = previous;
    }

    AggregateType type() {
        return type;
    }

    int partition() {
        return partition;
    }

    void subscribed(Subscription value) {
        subscription = value;
        if (ended) {
            value.cancel();
        }
    }

    @Override
    public void onDelivery(Delivery delivery) {
        if (ending || ended || listenerStopping.getAsBoolean()) {
            // left unsettled: it returns to the queue when the subscription ends
            return;
        }
        AggregateRef aggregate = delivery.event().aggregate();
        if (!aggregate.type().equals(type)) {
            LOG.warn("{} received an event of {} on a partition of {}; it was dropped and reaches no handler", name,
                    aggregate.type(), type);
            delivery.reject();
            return;
        }
        if (keeper.handsOver(this)) {
            return;
        }
        if (!active) {
            // the bus calls one delivery at a time
            active = true;
            readFreshAfter();
        }
        AggregateConsumer consumer;
        synchronized (aggregates) {
            Aggregate known = aggregates.get(aggregate);
            if (known == null || known.retired) {
                known = new Aggregate(lane(aggregate));
                aggregates.put(aggregate, known);
            }
            known.touched = true;
            consumer = known.consumer;
        }
        consumer.onDelivery(delivery);
    }

    /**
     * True: a delivery only goes to its aggregate's lane, which starts its work on the runtime's scheduler; no handler
     * and no store runs on the caller's thread. (A hand-over to another instance cancels the subscription, which the
     * bus does off the caller's thread.)
     */
    @Override
    public boolean returnsAtOnce() {
        return true;
    }

    /** A consumer of one aggregate of the partition, after whatever the partition's previous consumer still runs of it. */
    private AggregateConsumer lane(AggregateRef aggregate) {
        AggregateConsumer consumer = new AggregateConsumer(aggregate, new SerialLane(name + "/" + aggregate, lanes),
                dispatcher, scheduler, this::isEnding, (ended, reason) -> { }, () -> freshAfter);
        consumer.subscribed(new Subscription() {
            @Override
            public void cancel() {
                // one aggregate's consumer does not end the partition's subscription
            }

            @Override
            public boolean isOpen() {
                return !PartitionConsumer.this.ended;
            }
        });
        AggregateConsumer before = previous == null ? null : previous.consumerOf(aggregate);
        if (before != null) {
            consumer.after(before);
        }
        return consumer;
    }

    private AggregateConsumer consumerOf(AggregateRef aggregate) {
        synchronized (aggregates) {
            Aggregate known = aggregates.get(aggregate);
            return known == null ? null : known.consumer;
        }
    }

    private boolean isEnding() {
        return ending || listenerStopping.getAsBoolean();
    }

    @Override
    public void onEnded(EndReason reason) {
        ended = true;
        List<AggregateConsumer> consumers = consumers();
        for (AggregateConsumer consumer : consumers) {
            consumer.onEnded(reason);
        }
        keeper.ended(this, reason);
    }

    private List<AggregateConsumer> consumers() {
        synchronized (aggregates) {
            List<AggregateConsumer> all = new ArrayList<>(aggregates.size());
            aggregates.values().forEach(known -> all.add(known.consumer));
            return all;
        }
    }

    /** Whether the subscription has not ended (also while it waits as a standby consumer). */
    boolean isOpen() {
        Subscription current = subscription;
        return !ended && (current == null || current.isOpen());
    }

    /** Whether the bus told this consumer that its subscription ended (or its subscribe failed). */
    boolean hasEnded() {
        return ended;
    }

    /** Whether {@link #handOff()} or a stop began: the partition goes to its next consumer. */
    boolean isHandingOff() {
        return ending;
    }

    /** Whether this consumer's lane of the aggregate holds a message that waits to be tried again. */
    boolean isRetrying(AggregateRef aggregate) {
        AggregateConsumer consumer = consumerOf(aggregate);
        return consumer != null && !ended && consumer.isRetrying();
    }

    /** Whether this consumer's lane of the aggregate holds a message at or after {@code sequence}, not started. */
    boolean holdsFrom(AggregateRef aggregate, long sequence) {
        AggregateConsumer consumer = consumerOf(aggregate);
        return consumer != null && !ended && consumer.holdsFrom(sequence);
    }

    /** How many aggregates this consumer keeps a lane for. */
    int lanes() {
        synchronized (aggregates) {
            return aggregates.size();
        }
    }

    /**
     * Forgets the aggregates that had no delivery since the last call and have nothing in progress: called every
     * consumer idle timeout, so an aggregate is kept between one and two timeouts after its last delivery.
     */
    void forgetIdle() {
        boolean forgot;
        synchronized (aggregates) {
            int before = aggregates.size();
            aggregates.values().removeIf(known -> {
                if (known.touched) {
                    known.touched = false;
                    return false;
                }
                boolean idle = known.consumer.whenIdle().isDone() && !known.consumer.isRetrying();
                if (idle) {
                    known.retired = true;
                }
                return idle;
            });
            forgot = aggregates.size() < before;
            if (forgot) {
                // under the lock that a delivery takes to start a new lane: none starts with the old position
                forgettings++;
                freshAfter = AggregateConsumer.NEVER_FRESH;
            }
        }
        if (active && (forgot || freshAfter == AggregateConsumer.NEVER_FRESH)) {
            readFreshAfter();
        }
    }

    /**
     * Reads the log's newest position of the type on the scheduler, for {@link AggregateConsumer#freshAfter()}; kept
     * unless an idle check forgot an aggregate meanwhile. If the log cannot tell, the next idle check asks again.
     */
    private void readFreshAfter() {
        int asked;
        synchronized (aggregates) {
            asked = forgettings;
        }
        scheduler.execute(() -> {
            if (ended || ending) {
                return;
            }
            long newest;
            try {
                newest = dispatcher.newestPosition(type);
            } catch (RuntimeException e) {
                LOG.debug("{} could not read the log's newest position of {}; it reads the positions of every new"
                        + " aggregate until it can: {}", name, type, e.toString());
                return;
            }
            synchronized (aggregates) {
                if (asked == forgettings) {
                    freshAfter = newest;
                }
            }
        });
    }

    /**
     * Hands the partition to its next consumer: nothing more starts here, the work in progress finishes, then the
     * subscription ends and the messages that did not start return to the queue in order. Completes once cancelled.
     */
    CompletableFuture<Void> handOff() {
        ending = true;
        List<CompletableFuture<Void>> inProgress = new ArrayList<>();
        for (AggregateConsumer consumer : consumers()) {
            inProgress.add(consumer.whenIdle());
        }
        return CompletableFuture.allOf(inProgress.toArray(CompletableFuture[]::new)).thenRun(this::cancel);
    }

    /** Ends the subscription now (also when its subscribe call failed). */
    void cancel() {
        ending = true;
        Subscription current = subscription;
        if (current != null) {
            current.cancel();
        } else {
            ended = true;
        }
    }

    @Override
    public String toString() {
        return name + (ended ? " (ended)" : ending ? " (handing off)" : "");
    }

    /** One aggregate of the partition: its consumer, and whether it had a delivery since the last idle check. */
    private static final class Aggregate {
        final AggregateConsumer consumer;
        boolean touched;
        boolean retired;

        Aggregate(AggregateConsumer consumer) {
            this.consumer = consumer;
        }
    }
}
