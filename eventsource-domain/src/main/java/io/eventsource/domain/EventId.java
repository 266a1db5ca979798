package io.eventsource.domain;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The globally unique identity of one event; acks are keyed by it.
 *
 * @param value 1-64 characters of {@code [A-Za-z0-9_.:-]}, typically a UUID
 */
public record EventId(String value) {
    public static final int MAX_LENGTH = 64;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]+");

    public EventId {
        Names.require("EventId", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.:-]");
    }

    public static EventId of(String value) {
        return new EventId(value);
    }

    /** A fresh random (version 4 UUID) id. */
    public static EventId random() {
        return new EventId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
