package io.eventsource.domain;

import java.util.Objects;

/**
 * One aggregate: its type and id, written {@code Product-42}. Events of one aggregate are handled in
 * sequence order; events of different aggregates are handled concurrently.
 */
public record AggregateRef(AggregateType type, AggregateId id) {
    /**
     * The aggregate {@code type}-{@code id}.
     *
     * @throws NullPointerException if {@code type} or {@code id} is null
     */
    public AggregateRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    /**
     * The aggregate of the given written type and id: {@code of("Product", "42")} is {@code Product-42}.
     *
     * @throws InvalidValueException if {@code type} is not a valid {@link AggregateType} or {@code id} not a
     *         valid {@link AggregateId}
     */
    public static AggregateRef of(String type, String id) {
        return new AggregateRef(AggregateType.of(type), AggregateId.of(id));
    }

    /** {@code Product-42}. */
    @Override
    public String toString() {
        return type.value() + "-" + id.value();
    }
}
