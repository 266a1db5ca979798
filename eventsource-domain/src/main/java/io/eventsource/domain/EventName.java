package io.eventsource.domain;

import java.util.Objects;
/**
 * What happened, such as {@code ProductCreated}; handlers attach to a binding by event name.
 *
 * @param value 1-128 characters of {@code [A-Za-z0-9_.:-]}
 */
public record EventName(String value) {
    /** The longest event name, in characters: bounded so that every store can keep and index it in a fixed width. */
    public static final int MAX_LENGTH = 128;
    private static final Names.Alphabet ALLOWED = Names.Alphabet.of(Names.LETTERS + Names.DIGITS + "_.:-");

    /**
     * Checks the name's form.
     *
     * @throws InvalidValueException if the value is null, empty, longer than {@link #MAX_LENGTH} or holds a
     *         character outside {@code [A-Za-z0-9_.:-]}
     */
    public EventName {
        Names.require("EventName", value, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.:-]");
    }

    /**
     * The event name written {@code value}, such as {@code ProductCreated}.
     *
     * @throws InvalidValueException as the constructor does
     */
    public static EventName of(String value) {
        return new EventName(value);
    }

    /**
     * The name of the events that instances of {@code type} stand for in the typed API: the value of its
     * {@link EventType} annotation if it has one with a value, otherwise its simple name ({@code OrderPaid} for
     * {@code com.acme.OrderPaid} and for {@code com.acme.Orders.OrderPaid}).
     *
     * @throws InvalidValueException if that name is not a valid event name (an anonymous or local class has no
     *         usable simple name), naming the class
     */
    public static EventName of(Class<?> type) {
        Objects.requireNonNull(type, "type");
        EventType annotation = type.getAnnotation(EventType.class);
        String name = annotation != null && !annotation.value().isEmpty() ? annotation.value() : type.getSimpleName();
        try {
            return new EventName(name);
        } catch (InvalidValueException e) {
            throw new InvalidValueException("The event name of " + type.getName() + " is "
                    + (annotation != null && !annotation.value().isEmpty() ? "its @EventType value" : "its simple name")
                    + ", which is not a valid EventName: " + e.getMessage()
                    + "; name it with @EventType(\"...\")", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
