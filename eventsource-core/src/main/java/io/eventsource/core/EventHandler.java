package io.eventsource.core;

import io.eventsource.domain.Event;

/**
 * Projects one event. Called for one aggregate at a time per binding, in sequence order; may be called
 * again for the same event only if its earlier run was not recorded (a crash, a store outage), so make it
 * idempotent where that matters.
 */
@FunctionalInterface
public interface EventHandler {

    /**
     * Handles the event. Throwing counts as a failure: the runtime retries with backoff, then records it as
     * failed ({@link FailurePolicy}); the exception never reaches the broker client or kills a thread.
     */
    void handle(Event event) throws Exception;
}
