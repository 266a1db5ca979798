package io.eventsource.domain;

/**
 * A read model a service keeps of an aggregate type, such as {@code projections} or {@code search-index}.
 *
 * @param value 1-64 characters of {@code [A-Za-z0-9_.-]}
 */
public record Projection(String value) {
    /** The longest projection name, in characters: bounded so that stores can key acks by it. */
    public static final int MAX_LENGTH = 64;
    private static final Names.Alphabet ALLOWED = Names.Alphabet.of(Names.LETTERS + Names.DIGITS + "_.-");

    /**
     * Checks the value's form.
     *
     * @throws InvalidValueException if the value is null, empty, longer than {@link #MAX_LENGTH} or holds a character
     *         outside {@code [A-Za-z0-9_.-]}
     */
    public Projection {
        Names.require("Projection", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.-]");
    }

    /**
     * The projection written {@code value}, such as {@code projections}.
     *
     * @throws InvalidValueException as the constructor does
     */
    public static Projection of(String value) {
        return new Projection(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
