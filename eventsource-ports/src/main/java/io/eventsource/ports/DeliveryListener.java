package io.eventsource.ports;

/** Receives the events of one aggregate subscription, in queue order, one call at a time. */
public interface DeliveryListener {

    /** An event arrived. Exceptions are logged by the bus and the delivery requeued; the subscription goes on. */
    void onDelivery(Delivery delivery);

    /** The subscription ended, and no further delivery follows. */
    default void onEnded(EndReason reason) {
    }

    /**
     * Whether {@link #onDelivery} returns at once: it hands the delivery on and never waits for a handler, a store or
     * the broker (a short lock is fine). A bus may then call it on the thread that received the message rather than
     * handing each delivery to a thread of the subscription's, which saves a thread hand-over per message; the calls
     * stay one at a time, in queue order, with {@link #onEnded} after them. False unless a listener says otherwise.
     */
    default boolean returnsAtOnce() {
        return false;
    }
}
