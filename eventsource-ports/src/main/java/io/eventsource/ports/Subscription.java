package io.eventsource.ports;

/** A consumer of one queue. */
public interface Subscription extends Cancellable {

    /**
     * Stops consuming. Unsettled deliveries return to the queue. The listener's
     * {@link DeliveryListener#onEnded(EndReason)} is called with {@link EndReason#CANCELLED}. Idempotent.
     */
    @Override
    void cancel();

    /** Whether the subscription has not ended (it may be waiting as a standby single-active consumer). */
    boolean isOpen();
}
