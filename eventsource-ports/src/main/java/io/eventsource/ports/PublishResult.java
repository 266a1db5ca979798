package io.eventsource.ports;

/** How a publish to the broker ended, when the broker could be reached at all. */
public sealed interface PublishResult {

    /** Whether every message reached at least one queue. */
    default boolean isRouted() {
        return this instanceof Routed;
    }

    /** Confirmed by the broker and taken by at least one queue each. */
    record Routed() implements PublishResult {
    }

    /**
     * The exchange did not exist (an aggregate exchange auto-deletes with its last queue): declare the
     * route and publish again.
     */
    record ExchangeMissing(String exchange) implements PublishResult {
    }

    /** The exchange exists but no queue took the message: nobody is listening. */
    record Unroutable(String exchange) implements PublishResult {
    }
}
