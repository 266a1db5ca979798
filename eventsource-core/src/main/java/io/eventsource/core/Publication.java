package io.eventsource.core;

import io.eventsource.domain.Event;

import java.util.List;
import java.util.Objects;

/**
 * How a publish ended. Either way the events are appended to the event log, which is the source of truth:
 * a publish never loses an appended event.
 */
public sealed interface Publication {

    /** The appended events, with their sequences, in order. */
    List<Event> events();

    /** Whether the broker has taken the events. */
    default boolean isSent() {
        return this instanceof Sent;
    }

    /** Appended, routed to the live services' queues and announced. */
    record Sent(List<Event> events) implements Publication {
        /**
         * Copies the events.
         *
         * @throws NullPointerException if {@code events} is null or holds a null
         */
        public Sent {
            events = List.copyOf(Objects.requireNonNull(events, "events"));
        }
    }

    /**
     * Appended, but the broker could not take them now (an outage): they stay unpublished in the log and the
     * relay publishes them after its grace period ({@link EventsourceOptions#relayGracePeriod()}). Do not
     * publish them again.
     *
     * @param reason what failed
     */
    record Pending(List<Event> events, String reason) implements Publication {
        /**
         * Copies the events.
         *
         * @throws NullPointerException if {@code events} or {@code reason} is null, or {@code events} holds a null
         */
        public Pending {
            events = List.copyOf(Objects.requireNonNull(events, "events"));
            Objects.requireNonNull(reason, "reason");
        }
    }
}
