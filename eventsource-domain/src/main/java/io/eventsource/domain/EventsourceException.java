package io.eventsource.domain;

/**
 * A rule of the domain was broken. Unchecked: callers fix their input rather than catch it.
 */
public abstract class EventsourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A refusal whose {@code message} says which rule was broken, by what value. */
    protected EventsourceException(String message) {
        super(message);
    }

    /** A refusal as above, with the exception that revealed it (may be null). */
    protected EventsourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
