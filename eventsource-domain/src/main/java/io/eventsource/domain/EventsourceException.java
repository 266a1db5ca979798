package io.eventsource.domain;

/**
 * A rule of the domain was broken. Unchecked: callers fix their input rather than catch it.
 */
public abstract class EventsourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected EventsourceException(String message) {
        super(message);
    }
}
