package io.eventsource.ports;

import io.eventsource.domain.Event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An event with its place in the whole log and its outbox state.
 *
 * @param position global position, increasing in append order
 * @param event the event
 * @param publishedAt when the broker confirmed it, or {@code null} while unpublished
 */
public record LoggedEvent(long position, Event event, Instant publishedAt) {
    /**
     * An event at its place in the log.
     *
     * @throws NullPointerException if {@code event} is null
     * @throws IllegalArgumentException if {@code position} is below 1
     */
    public LoggedEvent {
        Objects.requireNonNull(event, "event");
        if (position < 1) {
            throw new IllegalArgumentException("position must be 1 or more, got " + position);
        }
    }

    /** Whether the broker confirmed the event; an unpublished one is the relay's to publish. */
    public boolean isPublished() {
        return publishedAt != null;
    }

    /** When the broker confirmed the event; empty while it is unpublished. */
    public Optional<Instant> published() {
        return Optional.ofNullable(publishedAt);
    }
}
