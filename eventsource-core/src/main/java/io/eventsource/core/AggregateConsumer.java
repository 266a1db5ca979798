package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.Subscription;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * This listener's consumer of one aggregate queue: the bus subscription and the serial lane its deliveries
 * run in. Once the subscription ends, deliveries still queued in the lane are dropped unhandled: the bus has
 * returned them to the queue for the next consumer, and handling them here too would run one aggregate in two
 * places at once.
 */
final class AggregateConsumer implements DeliveryListener {
    private final AggregateRef aggregate;
    private final BusListener owner;
    private final Dispatcher dispatcher;
    private final SerialLane lane;
    /** Per binding, the sequence up to which it handled the aggregate, as far as this consumer knows. */
    private final Map<Binding, Long> handledUpTo = new ConcurrentHashMap<>();
    /** Events read ahead from the log for the messages that follow; the log never changes an event. */
    private final NavigableMap<Long, Event> logged = new ConcurrentSkipListMap<>();
    /** Per message (event id), how often this consumer returned it to the queue unhandled. */
    private final Map<EventId, Integer> retries = new ConcurrentHashMap<>();
    private volatile Subscription subscription;
    private volatile boolean ended;

    AggregateConsumer(AggregateRef aggregate, BusListener owner, Dispatcher dispatcher) {
        this.aggregate = aggregate;
        this.owner = owner;
        this.dispatcher = dispatcher;
        this.lane = new SerialLane(owner.service() + "/" + aggregate);
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
        if (ended || owner.isStopping()) {
            // left unsettled: it returns to the queue when the subscription ends
            return;
        }
        lane.submit(() -> dispatcher.process(this, delivery));
    }

    @Override
    public void onEnded(EndReason reason) {
        ended = true;
        owner.forget(this, reason);
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
        lane.submit(previous.lane::whenIdle);
    }

    /** Up to which sequence the binding handled the aggregate, as far as this consumer knows; 0 if it does not. */
    long handledUpTo(Binding binding) {
        return handledUpTo.getOrDefault(binding, 0L);
    }

    /** The binding handled the aggregate up to {@code sequence} (an ack is durable for it); never moves back. */
    void handledUpTo(Binding binding, long sequence) {
        handledUpTo.merge(binding, sequence, Math::max);
    }

    /** Whether this consumer knows, for every binding, that it handled everything before {@code sequence} and not it. */
    boolean knowsAllBefore(List<BindingHandlers> bindings, long sequence) {
        for (BindingHandlers binding : bindings) {
            Long upTo = handledUpTo.get(binding.binding());
            if (upTo == null || upTo >= sequence) {
                return false;
            }
        }
        return true;
    }

    /** The log's event at {@code sequence} if it was read ahead, and forgets it and everything before it. */
    Event loggedAt(long sequence) {
        Event event = logged.get(sequence);
        logged.headMap(sequence, true).clear();
        return event;
    }

    /** Keeps events read ahead from the log. */
    void rememberLogged(List<Event> events) {
        for (Event event : events) {
            logged.put(event.sequence(), event);
        }
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
