package io.eventsource.domain;

/**
 * An event's payload is over the {@link PayloadLimit}: refused before anything was written or sent. Keep large bodies
 * elsewhere (an object store) and put a reference in the event, or raise the limit everywhere it is configured.
 */
public final class PayloadTooLargeException extends InvalidValueException {
    private static final long serialVersionUID = 1L;
    private final transient EventId eventId;
    private final int size;
    private final int limit;

    /**
     * The refusal of {@code event} for {@code aggregate}, its payload being over {@code limit}, before it was written;
     * {@code setting} names where the limit was configured.
     */
    public PayloadTooLargeException(AggregateRef aggregate, NewEvent event, PayloadLimit limit, String setting) {
        this(aggregate, event.id(), event.name(), event.payload().size(), limit, setting, "nothing was written");
    }

    /**
     * The refusal of a logged {@code event}, its payload being over {@code limit}, before it was sent (a transport
     * whose limit is below the log's); {@code setting} names where the limit was configured.
     */
    public PayloadTooLargeException(Event event, PayloadLimit limit, String setting) {
        this(event.aggregate(), event.id(), event.name(), event.payload().size(), limit, setting, "it was not sent");
    }

    private PayloadTooLargeException(AggregateRef aggregate, EventId id, EventName name, int size, PayloadLimit limit,
                                     String setting, String outcome) {
        super("Event payload of " + name + " " + id + " for " + aggregate + " is " + size + " bytes, over the limit of "
                + limit.bytes() + " bytes (" + setting + ", " + PayloadLimit.VARIABLE + "); " + outcome + ": keep large"
                + " bodies elsewhere and put a reference in the event");
        this.eventId = id;
        this.size = size;
        this.limit = limit.bytes();
    }

    /** The refused event (not kept across Java serialization: null after it). */
    public EventId eventId() {
        return eventId;
    }

    /** The size of its payload, in bytes. */
    public int size() {
        return size;
    }

    /** The limit it is over, in bytes. */
    public int limit() {
        return limit;
    }
}
