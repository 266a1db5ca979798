package io.eventsource.ports;

import io.eventsource.domain.EventsourceException;

import java.util.List;
import java.util.Objects;

/** What became of one {@link Append} of an {@link EventLog#appendAll}: written, or refused alone. */
public sealed interface AppendOutcome {

    /** All of the append's events were written, with these sequences and positions, in order. */
    record Appended(List<LoggedEvent> events) implements AppendOutcome {
        /**
         * Copies the events.
         *
         * @throws NullPointerException if {@code events} is null or holds a null
         */
        public Appended {
            events = List.copyOf(Objects.requireNonNull(events, "events"));
        }
    }

    /**
     * None of the append's events was written: it broke a rule of the log, as {@link EventLog#append} would have
     * thrown ({@link io.eventsource.domain.ConcurrencyConflictException},
     * {@link io.eventsource.domain.DuplicateEventIdException} for ids the log holds that are no retry, or an
     * {@link io.eventsource.domain.InvalidValueException} such as a {@link io.eventsource.domain.PayloadTooLargeException}
     * for an event over the size limits). The other appends of the call are not affected.
     */
    record Refused(EventsourceException reason) implements AppendOutcome {
        /**
         * Checks the reason.
         *
         * @throws NullPointerException if {@code reason} is null
         */
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
