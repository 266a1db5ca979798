package io.eventsource.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A domain event as recorded in the log and carried to every binding: the {@code sequence}-th thing
 * that happened to {@code aggregate}. Sequences start at 1 and have no holes, so a consumer can tell
 * the next event from a gap or a duplicate ({@link SequenceVerdict}).
 *
 * @param id unique identity
 * @param aggregate the aggregate it happened to
 * @param sequence its place in the aggregate's history, from 1
 * @param name what happened
 * @param payload the body
 * @param metadata free-form headers
 * @param occurredAt when it happened
 */
public record Event(EventId id, AggregateRef aggregate, long sequence, EventName name, Payload payload,
                    Map<String, String> metadata, Instant occurredAt) {
    /**
     * Copies the metadata (null means none), so later changes to the caller's map do not reach the event.
     *
     * @throws NullPointerException if {@code id}, {@code aggregate}, {@code name}, {@code payload} or
     *         {@code occurredAt} is null
     * @throws InvalidValueException if {@code sequence} is below 1, or a metadata key is null or empty or a
     *         metadata value is null
     */
    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (sequence < 1) {
            throw new InvalidValueException("Event sequence must be 1 or more, got " + sequence + " for " + aggregate);
        }
        metadata = checkedMetadata(metadata);
    }

    static Map<String, String> checkedMetadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        metadata.forEach((key, value) -> {
            if (key == null || key.isEmpty() || value == null) {
                throw new InvalidValueException("Event metadata must have non-empty keys and non-null values, got "
                        + key + "=" + value);
            }
        });
        return Map.copyOf(metadata);
    }

    @Override
    public String toString() {
        return "Event[" + aggregate + "#" + sequence + " " + name + " " + id + "]";
    }
}
