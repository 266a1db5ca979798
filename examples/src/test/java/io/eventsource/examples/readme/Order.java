package io.eventsource.examples.readme;

import io.eventsource.domain.Event;
import io.eventsource.domain.Payload;

/**
 * The order aggregate of the README's "Event-sourced repository", as the test kit's block and the snapshot block use
 * it: the first repository block declares it word for word (a local record there), and this one adds the snapshot
 * block's encoding.
 */
record Order(boolean placed, long paid) {
    static Order initial() {
        return new Order(false, 0);
    }

    Order apply(Event event) {
        switch (event.name().value()) {
            case "OrderPlaced": return new Order(true, paid);
            case "OrderPaid": return new Order(placed, paid + Long.parseLong(event.payload().asText()));
            default: return this;
        }
    }

    /** The state as a snapshot: {@code placed,paid}, content type versioned so that a later shape can refuse it. */
    Payload toPayload() {
        return new Payload((placed + "," + paid).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "application/x-order;version=1");
    }

    static Order fromPayload(Payload payload) {
        if (!payload.contentType().equals("application/x-order;version=1")) {
            throw new IllegalArgumentException("not an order snapshot of version 1: " + payload);
        }
        String[] fields = payload.asText().split(",");
        return new Order(Boolean.parseBoolean(fields[0]), Long.parseLong(fields[1]));
    }
}
