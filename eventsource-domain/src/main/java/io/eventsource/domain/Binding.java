package io.eventsource.domain;

import java.util.Objects;

/**
 * A service's interest in an aggregate type for one projection: what {@code listen(Product, "projections")}
 * registers in service {@code ads}. The registry holds the set of bindings; acks are recorded per binding.
 */
public record Binding(ServiceName service, AggregateType type, Projection projection) {
    /**
     * The binding of {@code service} to {@code type} for {@code projection}.
     *
     * @throws NullPointerException if {@code service}, {@code type} or {@code projection} is null
     */
    public Binding {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(projection, "projection");
    }

    /**
     * The binding from its written parts: {@code of("ads", "Product", "projections")}.
     *
     * @throws InvalidValueException if a part is not a valid {@link ServiceName}, {@link AggregateType} or
     *         {@link Projection}
     */
    public static Binding of(String service, String type, String projection) {
        return new Binding(ServiceName.of(service), AggregateType.of(type), Projection.of(projection));
    }

    @Override
    public String toString() {
        return service + ":" + type + ":" + projection;
    }
}
