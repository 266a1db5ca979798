package io.eventsource.domain;

/**
 * The kind of aggregate whose events are carried, such as {@code Product} or {@code Order}. It names
 * the announcement exchange ({@code ProductAggregateIds}) and prefixes every aggregate's exchange and queues.
 *
 * @param value 1-64 characters of {@code [A-Za-z0-9_]}, starting with a letter, not ending in
 *              {@code AggregateIds} (such a type's queues would take the names of another type's
 *              announcement queues: {@code ProductAggregateIds-42-ads})
 */
public record AggregateType(String value) {
    /**
     * The longest aggregate type, in characters: bounded so that stores can index it and the broker names it
     * is part of stay within AMQP's 255 bytes.
     */
    public static final int MAX_LENGTH = 64;
    private static final Names.Alphabet ALLOWED = Names.Alphabet.startingWith(Names.LETTERS,
            Names.LETTERS + Names.DIGITS + "_");
    private static final String ANNOUNCEMENT_SUFFIX = "AggregateIds";

    /**
     * Checks the value's form.
     *
     * @throws InvalidValueException if the value is null, empty, longer than {@link #MAX_LENGTH} or is not
     *         {@code [A-Za-z][A-Za-z0-9_]*}, or ends in {@code AggregateIds}
     */
    public AggregateType {
        Names.require("AggregateType", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_] starting with a letter");
        if (value.endsWith(ANNOUNCEMENT_SUFFIX)) {
            throw new InvalidValueException("AggregateType must not end in \"" + ANNOUNCEMENT_SUFFIX + "\", got \""
                    + value + "\": its aggregate queues would take the names of the announcement queues of type \""
                    + value.substring(0, value.length() - ANNOUNCEMENT_SUFFIX.length()) + "\"");
        }
    }

    /**
     * The aggregate type written {@code value}, such as {@code Product}.
     *
     * @throws InvalidValueException as the constructor does
     */
    public static AggregateType of(String value) {
        return new AggregateType(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
