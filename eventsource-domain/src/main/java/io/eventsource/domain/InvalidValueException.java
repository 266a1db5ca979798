package io.eventsource.domain;

/**
 * A value was refused: an identifier or name outside its allowed form, a broker name over AMQP's
 * 255-byte limit, a payload over a configured limit ({@link PayloadTooLargeException}). The message says what was
 * wrong and what is allowed.
 */
public class InvalidValueException extends EventsourceException {
    private static final long serialVersionUID = 1L;

    /** A refusal whose {@code message} names the value, what was wrong with it and what is allowed. */
    public InvalidValueException(String message) {
        super(message);
    }

    /** A refusal as above, caused by {@code cause} (a library's refusal of the value, kept for diagnosis). */
    public InvalidValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
