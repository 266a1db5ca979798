package io.eventsource.domain;

/** How a binding's handling of an event ended. */
public enum AckStatus {
    /** Handled; final: never handed to that binding again. */
    OK,
    /** Failed after its retries; may later become {@link #OK} when replayed. */
    FAIL
}
