package io.eventsource.ports;

/** Why a subscription ended. */
public enum EndReason {
    /** The subscriber cancelled it. */
    CANCELLED,
    /** The bus cancelled it after the consumer idle timeout without traffic. */
    IDLE,
    /** Its queue was deleted (expired, or deleted by someone else). */
    QUEUE_DELETED,
    /** The connection to the broker was lost and the subscription could not be recovered. */
    CONNECTION_LOST
}
