package io.eventsource.domain;

import java.util.regex.Pattern;

/**
 * The identity of one aggregate within its type, such as {@code 42} or a UUID.
 *
 * @param value 1-128 characters of {@code [A-Za-z0-9_.:-]}
 */
public record AggregateId(String value) {
    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]+");

    public AggregateId {
        Names.require("AggregateId", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.:-]");
    }

    public static AggregateId of(String value) {
        return new AggregateId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
