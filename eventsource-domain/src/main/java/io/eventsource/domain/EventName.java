package io.eventsource.domain;

import java.util.regex.Pattern;

/**
 * What happened, such as {@code ProductCreated}; handlers attach to a binding by event name.
 *
 * @param value 1-128 characters of {@code [A-Za-z0-9_.:-]}
 */
public record EventName(String value) {
    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]+");

    public EventName {
        Names.require("EventName", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.:-]");
    }

    public static EventName of(String value) {
        return new EventName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
