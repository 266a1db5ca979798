package io.eventsource.tck;

import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link DeliveryListener} that records what it is given, for assertions from the test thread while
 * the bus calls it on its own threads. Thread-safe.
 */
public final class Recorder implements DeliveryListener {
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<EndReason> endings = new CopyOnWriteArrayList<>();
    private final Consumer<Delivery> behaviour;
    private int settled;

    private Recorder(Consumer<Delivery> behaviour) {
        this.behaviour = behaviour;
    }

    /** Records deliveries and leaves them unsettled: the test settles them. */
    public static Recorder manual() {
        return new Recorder(delivery -> {
        });
    }

    /** Records deliveries and acks each at once. */
    public static Recorder acking() {
        return new Recorder(Delivery::ack);
    }

    /** Records deliveries, then does what {@code behaviour} says (which may throw). */
    public static Recorder doing(Consumer<Delivery> behaviour) {
        return new Recorder(behaviour);
    }

    @Override
    public void onDelivery(Delivery delivery) {
        deliveries.add(delivery);
        behaviour.accept(delivery);
    }

    @Override
    public void onEnded(EndReason reason) {
        endings.add(reason);
    }

    /** Every delivery so far, in arrival order. */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The sequences of the deliveries so far, in arrival order. */
    public List<Long> sequences() {
        List<Long> sequences = new ArrayList<>();
        for (Delivery delivery : deliveries) {
            sequences.add(delivery.event().sequence());
        }
        return sequences;
    }

    /** Acks every delivery not acked by this method before, in arrival order. */
    public synchronized void ackAll() {
        List<Delivery> all = deliveries();
        for (int i = settled; i < all.size(); i++) {
            all.get(i).ack();
        }
        settled = all.size();
    }

    /** The reasons the subscription ended; one at most, for a bus that keeps its contract. */
    public List<EndReason> endings() {
        return List.copyOf(endings);
    }

    @Override
    public String toString() {
        return "Recorder" + sequences() + (endings.isEmpty() ? "" : " ended " + endings);
    }
}
