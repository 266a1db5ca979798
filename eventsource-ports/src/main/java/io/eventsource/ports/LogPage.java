package io.eventsource.ports;

import java.util.List;
import java.util.Objects;

/**
 * One page of the log.
 *
 * @param events the matching events, in position order
 * @param lastPosition the position to read the next page after (the last event's, or the query's own if none)
 * @param hasMore whether more matching events may follow
 */
public record LogPage(List<LoggedEvent> events, long lastPosition, boolean hasMore) {
    /**
     * Copies the events.
     *
     * @throws NullPointerException if {@code events} is null or holds a null
     */
    public LogPage {
        events = List.copyOf(Objects.requireNonNull(events, "events"));
    }
}
