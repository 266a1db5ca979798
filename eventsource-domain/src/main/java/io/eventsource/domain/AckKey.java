package io.eventsource.domain;

import java.util.Objects;

/** What an ack is recorded for: one event, one service, one projection. At most one ack per key. */
public record AckKey(EventId eventId, ServiceName service, Projection projection) {
    /**
     * The key of one event's ack by one binding.
     *
     * @throws NullPointerException if {@code eventId}, {@code service} or {@code projection} is null
     */
    public AckKey {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(projection, "projection");
    }

    /** The key of the ack that {@code binding} records for the event {@code eventId}. */
    public static AckKey of(EventId eventId, Binding binding) {
        return new AckKey(eventId, binding.service(), binding.projection());
    }
}
