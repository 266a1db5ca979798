package io.eventsource.ports;

import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;

import java.util.Objects;

/**
 * What an {@link EventSerializer} made of a typed event: the name and the payload that the log and the broker carry.
 *
 * @param name    the event's name, from its class
 * @param payload its body, with a content type that says how to read it (and at which version)
 */
public record SerializedEvent(EventName name, Payload payload) {
    /** @throws NullPointerException if either is null */
    public SerializedEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
    }
}
