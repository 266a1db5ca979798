package io.eventsource.domain;

import java.util.UUID;
/**
 * The name of one replay ({@link ReplayRequest}): its progress is stored under it, and a replay started again with
 * the same id goes on from its stored progress instead of starting over.
 *
 * @param value 1-{@value #MAX_LENGTH} characters of {@code [a-z0-9-]} (it also names the replay's lease)
 */
public record ReplayId(String value) {
    /** The longest replay id, in characters. */
    public static final int MAX_LENGTH = 40;
    private static final Names.Alphabet ALLOWED = Names.Alphabet.of(Names.range('a', 'z') + Names.DIGITS + "-");

    /**
     * Checks the value's form.
     *
     * @throws InvalidValueException if the value is null, empty, longer than {@value #MAX_LENGTH} or holds a
     *         character outside {@code [a-z0-9-]}
     */
    public ReplayId {
        Names.require("ReplayId", value, MAX_LENGTH, ALLOWED, "[a-z0-9-]");
    }

    /**
     * The replay id written {@code value}, such as {@code rebuild-prices-2026-11}.
     *
     * @throws InvalidValueException as the constructor does
     */
    public static ReplayId of(String value) {
        return new ReplayId(value);
    }

    /** A new, random replay id. */
    public static ReplayId random() {
        return new ReplayId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
