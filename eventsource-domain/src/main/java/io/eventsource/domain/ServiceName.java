package io.eventsource.domain;

import java.util.regex.Pattern;

/**
 * A service that projects events, such as {@code ads} or {@code api-legacy}. All instances of a service
 * share one name, one announcement queue and one queue per aggregate.
 *
 * @param value 1-64 characters of {@code [A-Za-z0-9_.-]}
 */
public record ServiceName(String value) {
    public static final int MAX_LENGTH = 64;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.-]+");

    public ServiceName {
        Names.require("ServiceName", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.-]");
    }

    public static ServiceName of(String value) {
        return new ServiceName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
