package io.eventsource.tck;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Fresh names and events for the suites, unique per call so that suites can share a real store. */
final class Fixtures {
    /** A fixed, millisecond-aligned instant that every store can hold exactly. */
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private Fixtures() {
    }

    static String unique() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static AggregateType freshType() {
        return AggregateType.of("T" + unique());
    }

    static AggregateRef freshAggregate(AggregateType type) {
        return new AggregateRef(type, AggregateId.of(unique()));
    }

    static ServiceName freshService() {
        return ServiceName.of("svc-" + unique());
    }

    static NewEvent newEvent(String name, Instant occurredAt) {
        return new NewEvent(EventId.random(), EventName.of(name), Payload.json("{\"name\":\"" + name + "\"}"),
                Map.of("correlation", unique()), occurredAt);
    }
}
