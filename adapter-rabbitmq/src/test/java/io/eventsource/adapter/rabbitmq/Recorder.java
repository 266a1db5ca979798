package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** A listener that records what it gets, and acks at once unless told to hold. */
final class Recorder implements DeliveryListener {
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final AtomicReference<EndReason> ended = new AtomicReference<>();
    private volatile boolean autoAck;

    private Recorder(boolean autoAck) {
        this.autoAck = autoAck;
    }

    static Recorder acking() {
        return new Recorder(true);
    }

    static Recorder holding() {
        return new Recorder(false);
    }

    void ackFromNowOn() {
        autoAck = true;
    }

    @Override
    public void onDelivery(Delivery delivery) {
        deliveries.add(delivery);
        if (autoAck) {
            delivery.ack();
        }
    }

    @Override
    public void onEnded(EndReason reason) {
        ended.set(reason);
    }

    List<Long> sequences() {
        return deliveries.stream().map(d -> d.event().sequence()).collect(Collectors.toList());
    }

    static List<Event> events(AggregateRef aggregate, long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(sequence -> new Event(EventId.random(), aggregate, sequence, EventName.of("Happened"),
                        Payload.json("{\"n\":" + sequence + "}"), Map.of("source", "test"), Instant.now()))
                .collect(Collectors.toList());
    }
}
