package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;

import java.util.List;
import java.util.Objects;

/**
 * One aggregate's part of {@link EventLog#appendAll}: what {@link EventLog#append} takes, as a value.
 *
 * @param aggregate the aggregate the events belong to
 * @param expected the version the aggregate must be at, or {@link ExpectedVersion#ANY}
 * @param events one or more events, in the order they happened
 */
public record Append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
    /**
     * Copies the events.
     *
     * @throws NullPointerException if an argument is null or {@code events} holds a null
     * @throws IllegalArgumentException if {@code events} is empty
     */
    public Append {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(expected, "expected");
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        if (events.isEmpty()) {
            throw new IllegalArgumentException("an append needs at least one event for " + aggregate);
        }
    }
}
