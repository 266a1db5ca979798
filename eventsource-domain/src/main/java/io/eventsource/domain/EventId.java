package io.eventsource.domain;

import java.util.UUID;
/**
 * The globally unique identity of one event; acks are keyed by it.
 *
 * @param value 1-64 characters of {@code [A-Za-z0-9_.:-]}, typically a UUID
 */
public record EventId(String value) {
    /** The longest event id, in characters: room for a prefixed UUID, bounded so that stores can key acks by it. */
    public static final int MAX_LENGTH = 64;
    private static final Names.Alphabet ALLOWED = Names.Alphabet.of(Names.LETTERS + Names.DIGITS + "_.:-");

    /**
     * Checks the value's form.
     *
     * @throws InvalidValueException if the value is null, empty, longer than {@link #MAX_LENGTH} or holds a character
     *         outside {@code [A-Za-z0-9_.:-]}
     */
    public EventId {
        Names.require("EventId", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.:-]");
    }

    /**
     * The event id written {@code value}, such as a UUID.
     *
     * @throws InvalidValueException as the constructor does
     */
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
