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

    /** A consumer of one aggregate of the partition, after whatever the partition's previous consumer still runs of it. */
    private AggregateConsumer lane(AggregateRef aggregate) {
        AggregateConsumer consumer = new AggregateConsumer(aggregate, new SerialLane(name + "/" + aggregate, lanes),
                dispatcher, scheduler, this::isEnding, (ended, reason) -> { });
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
        synchronized (aggregates) {
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
        }
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
