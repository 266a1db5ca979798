package io.eventsource.domain;

import java.util.Map;

/**
 * The largest event payload, in bytes, that the runtime publishes and every event log and bus stores or sends:
 * {@link #DEFAULT} is 1 MiB. A larger payload is refused with a {@link PayloadTooLargeException} before anything is
 * written; keep large bodies elsewhere (an object store) and put a reference in the event.
 *
 * <p>Set it alike in every process of a namespace and in each adapter's settings: a producer that sends what a
 * consumer's adapter refuses loses nothing (the log holds it), but that consumer cannot handle the event. The
 * environment variable {@value #VARIABLE} sets it for every setting that reads the environment.
 *
 * @param bytes the largest payload accepted, 1 or more
 */
public record PayloadLimit(int bytes) {
    /** 1 MiB, 1,048,576 bytes. */
    public static final int DEFAULT_BYTES = 1 << 20;
    /** 1 MiB. */
    public static final PayloadLimit DEFAULT = new PayloadLimit(DEFAULT_BYTES);
    /** The environment variable that sets the limit: a whole number of bytes, such as {@code 2097152} for 2 MiB. */
    public static final String VARIABLE = "EVENTSOURCE_MAX_PAYLOAD_BYTES";

    /**
     * Checks the limit.
     *
     * @throws InvalidValueException if {@code bytes} is below 1
     */
    public PayloadLimit {
        if (bytes < 1) {
            throw new InvalidValueException("PayloadLimit must be 1 byte or more, got " + bytes);
        }
    }

    /**
     * The limit of {@code bytes}.
     *
     * @throws InvalidValueException as the constructor does
     */
    public static PayloadLimit ofBytes(int bytes) {
        return new PayloadLimit(bytes);
    }

    /**
     * The limit that {@value #VARIABLE} sets in {@code environment} (pass {@code System.getenv()}), or
     * {@link #DEFAULT} where it is unset or blank.
     *
     * @throws InvalidValueException naming the variable if it is not a whole number from 1 to 2147483647
     */
    public static PayloadLimit fromEnvironment(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        String digits = value.trim();
        try {
            if (digits.chars().allMatch(Character::isDigit)) {
                return new PayloadLimit(Integer.parseInt(digits));
            }
        } catch (NumberFormatException | InvalidValueException tooLargeOrZero) {
            // said below, with the variable's name
        }
        throw new InvalidValueException(VARIABLE + " must be a whole number of bytes from 1 to " + Integer.MAX_VALUE
                + ", such as " + DEFAULT_BYTES + " (1 MiB), got \"" + Names.abbreviate(value) + "\"");
    }

    /** Whether a payload of this size is accepted. */
    public boolean admits(Payload payload) {
        return payload.size() <= bytes;
    }

    /**
     * Refuses an event whose payload is over the limit.
     *
     * @param aggregate the aggregate the event is for, named in the refusal
     * @param event the event to check
     * @param setting where this limit was configured, named in the refusal so that the reader knows what to change
     *                (such as {@code "EventsourceOptions.payloadLimit"})
     * @throws PayloadTooLargeException if the event's payload is over the limit
     */
    public void check(AggregateRef aggregate, NewEvent event, String setting) {
        if (!admits(event.payload())) {
            throw new PayloadTooLargeException(aggregate, event, this, setting);
        }
    }

    /**
     * Refuses a logged event whose payload is over the limit, before it is sent: for a transport that carries what a
     * log with a higher limit took.
     *
     * @param event the event to check
     * @param setting where this limit was configured, named in the refusal (such as
     *                {@code "RabbitMqSettings.payloadLimit"})
     * @throws PayloadTooLargeException if the event's payload is over the limit
     */
    public void check(Event event, String setting) {
        if (!admits(event.payload())) {
            throw new PayloadTooLargeException(event, this, setting);
        }
    }

    /** {@code 1048576 bytes}. */
    @Override
    public String toString() {
        return bytes + " bytes";
    }
}
