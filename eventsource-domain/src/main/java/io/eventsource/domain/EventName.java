package io.eventsource.domain;

import java.util.regex.Pattern;

/**
 * What happened, such as {@code ProductCreated}; handlers attach to a binding by event name.
 *
 * @param value 1-128 characters of {@code [A-Za-z0-9_.:-]}
 */
public record EventName(String value) {
    /** The longest event name, in characters: bounded so that every store can keep and index it in a fixed width. */
    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]+");

    /**
     * Checks the name's form.
     *
     * @throws InvalidValueException if the value is null, empty, longer than {@link #MAX_LENGTH} or holds a
     *         character outside {@code [A-Za-z0-9_.:-]}
     */
    public EventName {
        Names.require("EventName", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.:-]");
    }

    /**
     * The event name written {@code value}, such as {@code ProductCreated}.
     *
     * @throws InvalidValueException as the constructor does
     */
    public static EventName of(String value) {
        return new EventName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
