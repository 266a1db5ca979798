package com.example.orders;

import io.eventsource.core.Publication;
import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;

/** The producing side: the {@code Order} aggregate's events. */
public final class Orders {
    /** The aggregate type whose events billing and shipping project. */
    public static final String ORDER = "Order";
    /** The event that a new order was placed. */
    public static final EventName PLACED = EventName.of("OrderPlaced");

    private final Publisher publisher;

    /** Orders published with {@code publisher}. */
    public Orders(Publisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes that order {@code id} was placed, with its details as JSON. */
    public Publication place(String id, String detailsJson) {
        return publisher.publish(AggregateRef.of(ORDER, id), PLACED, Payload.json(detailsJson));
    }
}
