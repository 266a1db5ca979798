package io.eventsource.domain;

import java.util.List;

/**
 * An append named event ids that the log already holds, and is not a retry of the append that wrote them: an id
 * used again for other content, stored events sent again together with new ones, or stored events expected at
 * another place of the aggregate's history. Nothing was written. {@link RetriedAppend} states the rule.
 *
 * <p>Not an {@link InvalidValueException}: each event is valid on its own, and it is the log's state that refuses
 * it, as with a {@link ConcurrencyConflictException}.
 */
public final class DuplicateEventIdException extends EventsourceException {
    private static final long serialVersionUID = 1L;
    private final transient AggregateRef aggregate;
    private final transient List<EventId> eventIds;

    /**
     * The refusal of an append to {@code aggregate} of which {@code eventIds} are already in the log;
     * {@code detail} says what the log holds and what to do instead. The message adds that nothing was written.
     */
    public DuplicateEventIdException(AggregateRef aggregate, List<EventId> eventIds, String detail) {
        super("append to " + aggregate + " refused: " + detail + "; nothing was written");
        this.aggregate = aggregate;
        this.eventIds = List.copyOf(eventIds);
    }

    /** The aggregate of the refused append (not kept across Java serialization: null after it). */
    public AggregateRef aggregate() {
        return aggregate;
    }

    /**
     * The ids of the refused append that the log already holds, in the append's order (not kept across Java
     * serialization: null after it).
     */
    public List<EventId> eventIds() {
        return eventIds;
    }
}
