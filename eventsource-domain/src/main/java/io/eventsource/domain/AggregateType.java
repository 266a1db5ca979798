package io.eventsource.domain;

import java.util.regex.Pattern;

/**
 * The kind of aggregate whose events are carried, such as {@code Product} or {@code Order}. It names
 * the announcement exchange ({@code ProductAggregateIds}) and prefixes every aggregate's exchange and queues.
 *
 * @param value 1-64 characters of {@code [A-Za-z0-9_]}, starting with a letter
 */
public record AggregateType(String value) {
    public static final int MAX_LENGTH = 64;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    public AggregateType {
        Names.require("AggregateType", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_] starting with a letter");
    }

    public static AggregateType of(String value) {
        return new AggregateType(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
