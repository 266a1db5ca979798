package io.eventsource.ports;

import io.eventsource.domain.Event;
import io.eventsource.domain.EventsourceException;

import java.util.Objects;

/**
 * An event could not be read as the class a handler asked for: it carries another name, its payload is of another
 * format or of a version the class does not read, or it does not fit the class. Retrying the same read does not
 * help: change the class, register an upcaster for the old version, or handle the event through the byte API. In a
 * handler it counts as a failure of that handler (recorded, replayable once the reader is fixed).
 */
public final class UnreadableEventException extends EventsourceException {
    private static final long serialVersionUID = 1L;

    /** The event, in words (aggregate, sequence, name, id): the event itself is not serializable. */
    private final String event;
    /** The class it was to be read as. */
    private final String type;

    /**
     * A refused read.
     *
     * @param event  the event that was read
     * @param type   the class it was to be read as
     * @param reason why it could not be, in words, completing "could not read {event} as {type}: "
     * @param cause  the serialization library's exception behind it (may be null)
     */
    public UnreadableEventException(Event event, Class<?> type, String reason, Throwable cause) {
        super("could not read " + Objects.requireNonNull(event, "event") + " as "
                + Objects.requireNonNull(type, "type").getName() + ": " + reason, cause);
        this.event = event.toString();
        this.type = type.getName();
    }

    /** The event that could not be read, in words ({@code Event[Order-7#3 OrderPaid e-1]}). */
    public String event() {
        return event;
    }

    /** The name of the class it was to be read as. */
    public String type() {
        return type;
    }
}
