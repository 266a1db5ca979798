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
    public LoggedEvent {
        Objects.requireNonNull(event, "event");
        if (position < 1) {
            throw new IllegalArgumentException("position must be 1 or more, got " + position);
        }
    }

    public boolean isPublished() {
        return publishedAt != null;
    }

    public Optional<Instant> published() {
        return Optional.ofNullable(publishedAt);
    }
}
