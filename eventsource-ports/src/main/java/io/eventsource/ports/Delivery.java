package io.eventsource.ports;

import io.eventsource.domain.Event;

/**
 * One event handed to an aggregate subscription. Settle it exactly once, with {@link #ack()} once it is
 * recorded as handled, or {@link #requeue()} to have it delivered again. May be settled from any thread.
 */
public interface Delivery {

    /** The event the message carries, with its aggregate and sequence. */
    Event event();

    /** Whether the broker delivered this message before (to this or another consumer). */
    boolean redelivered();

    /** Removes the message from its queue. Idempotent; ignored after the subscription ended. */
    void ack();

    /** Returns the message to its queue for redelivery. Ignored after the subscription ended. */
    void requeue();
}
