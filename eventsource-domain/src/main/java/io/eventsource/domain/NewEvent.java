package io.eventsource.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An event about to be appended: everything but its place in the aggregate's history, which the
 * event log assigns.
 *
 * @param id unique identity, chosen by the producer so that a retried append can be recognised
 * @param name what happened
 * @param payload the body
 * @param metadata free-form headers (correlation id, user, ...); keys and values non-null
 * @param occurredAt when it happened, read from the producer's clock
 */
public record NewEvent(EventId id, EventName name, Payload payload, Map<String, String> metadata, Instant occurredAt) {
    /**
     * Copies the metadata (null means none), so later changes to the caller's map do not reach the event.
     *
     * @throws NullPointerException if {@code id}, {@code name}, {@code payload} or {@code occurredAt} is null
     * @throws InvalidValueException if a metadata key is null or empty or a metadata value is null
     */
    public NewEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(occurredAt, "occurredAt");
        metadata = Event.checkedMetadata(metadata);
    }

    /** The event as recorded at the given place in the aggregate's history. */
    public Event at(AggregateRef aggregate, long sequence) {
        return new Event(id, aggregate, sequence, name, payload, metadata, occurredAt);
    }
}
