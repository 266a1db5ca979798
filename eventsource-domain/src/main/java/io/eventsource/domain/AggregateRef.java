package io.eventsource.domain;

import java.util.Objects;

/**
 * One aggregate: its type and id, written {@code Product-42}. Events of one aggregate are handled in
 * sequence order; events of different aggregates are handled concurrently.
 */
public record AggregateRef(AggregateType type, AggregateId id) {
    public AggregateRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    public static AggregateRef of(String type, String id) {
        return new AggregateRef(AggregateType.of(type), AggregateId.of(id));
    }

    /** {@code Product-42}. */
    @Override
    public String toString() {
        return type.value() + "-" + id.value();
    }
}
