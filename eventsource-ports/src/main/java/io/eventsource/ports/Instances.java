package io.eventsource.ports;

import io.eventsource.domain.InvalidValueException;

import java.util.regex.Pattern;

/**
 * The rule of an instance's name ({@link ServiceRegistry#instanceHeartbeat}, {@link ServiceRegistry#leave},
 * {@link MessageBus#subscribePartition}), shared by every adapter so that all refuse alike: 1-100 characters of
 * {@code [A-Za-z0-9_.:-]}, safe as a Redis hash field and as a RabbitMQ consumer tag.
 */
public final class Instances {
    /** The longest instance name. */
    public static final int MAX_LENGTH = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}");
    /** How much of a refused name the message quotes. */
    private static final int QUOTED = 120;

    private Instances() {
    }

    /**
     * Checks an instance's name.
     *
     * @return {@code instance}, for use in an expression
     * @throws InvalidValueException if {@code instance} is null or not 1-{@value #MAX_LENGTH} characters of
     *         {@code [A-Za-z0-9_.:-]}
     */
    public static String check(String instance) {
        if (instance == null || !NAME.matcher(instance).matches()) {
            throw new InvalidValueException("instance must be 1-" + MAX_LENGTH + " characters of [A-Za-z0-9_.:-], got "
                    + quoted(instance));
        }
        return instance;
    }

    private static String quoted(String instance) {
        if (instance == null) {
            return "null";
        }
        if (instance.length() > QUOTED) {
            return "\"" + instance.substring(0, QUOTED) + "...\" (" + instance.length() + " characters)";
        }
        return "\"" + instance + "\"";
    }
}
