package io.eventsource.ports;

import io.eventsource.domain.Event;

/**
 * One event handed to an aggregate subscription. Settle it exactly once: with {@link #ack()} once it is
 * recorded as handled, {@link #requeue()} to have it delivered again, or {@link #reject()} to drop a message
 * that must never be handled (the log does not hold it). May be settled from any thread.
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

    /**
     * Removes the message from its queue without redelivery, as refused: it is not an event of the log, or it
     * could not be handled within the bounded retries (the log, not the message, then brings the event again).
     * Idempotent; ignored after the subscription ended.
     */
    void reject();
}
