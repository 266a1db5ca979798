package io.eventsource.ports;

/** Receives the events of one aggregate subscription, in queue order, one call at a time. */
public interface DeliveryListener {

    /** An event arrived. Exceptions are logged by the bus and the delivery requeued; the subscription goes on. */
    void onDelivery(Delivery delivery);

    /** The subscription ended, and no further delivery follows. */
    default void onEnded(EndReason reason) {
    }
}
