package io.eventsource.ports;

/** Why a subscription ended. */
public enum EndReason {
    /** The subscriber cancelled it. */
    CANCELLED,
    /** The bus cancelled it after the consumer idle timeout without traffic. */
    IDLE,
    /**
     * The bus cancelled it as {@link #IDLE}, but messages came while it ended (a broker's cancel is not instant): they
     * went back to the queue unseen, and the news that announced them may have found the subscription still open.
     * Subscribe again to receive them.
     */
    IDLE_WITH_RETURNED_MESSAGES,
    /** Its queue was deleted (expired, or deleted by someone else). */
    QUEUE_DELETED,
    /** The connection to the broker was lost and the subscription could not be recovered. */
    CONNECTION_LOST
}
