package io.eventsource.domain;

/**
 * A service that projects events, such as {@code ads} or {@code api-legacy}. All instances of a service
 * share one name, one announcement queue and one queue per aggregate.
 *
 * @param value 1-64 characters of {@code [A-Za-z0-9_.-]}
 */
public record ServiceName(String value) {
    /**
     * The longest service name, in characters: bounded so that stores can index it and the queue names it ends
     * stay within AMQP's 255 bytes.
     */
    public static final int MAX_LENGTH = 64;
    private static final Names.Alphabet ALLOWED = Names.Alphabet.of(Names.LETTERS + Names.DIGITS + "_.-");

    /**
     * Checks the value's form.
     *
     * @throws InvalidValueException if the value is null, empty, longer than {@link #MAX_LENGTH} or holds a character
     *         outside {@code [A-Za-z0-9_.-]}
     */
    public ServiceName {
        Names.require("ServiceName", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.-]");
    }

    /**
     * The service written {@code value}, such as {@code ads}.
     *
     * @throws InvalidValueException as the constructor does
     */
    public static ServiceName of(String value) {
        return new ServiceName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
