package io.eventsource.domain;

import java.util.Objects;

/** What an ack is recorded for: one event, one service, one projection. At most one ack per key. */
public record AckKey(EventId eventId, ServiceName service, Projection projection) {
    public AckKey {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(projection, "projection");
    }

    public static AckKey of(EventId eventId, Binding binding) {
        return new AckKey(eventId, binding.service(), binding.projection());
    }
}
