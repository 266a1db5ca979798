package io.eventsource.ports;

/** Something scheduled or subscribed that can be stopped. */
public interface Cancellable {
    /** Stops it. Idempotent; never throws. */
    void cancel();
}
