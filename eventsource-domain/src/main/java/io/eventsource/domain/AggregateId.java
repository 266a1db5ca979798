package io.eventsource.domain;

/**
 * The identity of one aggregate within its type, such as {@code 42} or a UUID.
 *
 * @param value 1-128 characters of {@code [A-Za-z0-9_.:-]}
 */
public record AggregateId(String value) {
    /**
     * The longest aggregate id, in characters: room for a UUID or a composite key, bounded so that stores can
     * index it (the broker names it is part of are checked against AMQP's 255 bytes when made).
     */
    public static final int MAX_LENGTH = 128;
    private static final Names.Alphabet ALLOWED = Names.Alphabet.of(Names.LETTERS + Names.DIGITS + "_.:-");

    /**
     * Checks the value's form.
     *
     * @throws InvalidValueException if the value is null, empty, longer than {@link #MAX_LENGTH} or holds a character
     *         outside {@code [A-Za-z0-9_.:-]}
     */
    public AggregateId {
        Names.require("AggregateId", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.:-]");
    }

    /**
     * The aggregate id written {@code value}, such as {@code 42}.
     *
     * @throws InvalidValueException as the constructor does
     */
    public static AggregateId of(String value) {
        return new AggregateId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
