package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventsourceException;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The event log: the source of truth. Each aggregate's events carry sequences 1, 2, 3, ... with no
 * holes; every event also has a global position, increasing in append order across the whole log. The
 * log is also the outbox: an event is unpublished until {@link #markPublished} says the broker has it.
 *
 * <p>A log keeps every field of an event exactly as it was appended: the payload byte for byte, the metadata
 * character for character, and {@code occurredAt} (and {@code publishedAt}) to the nanosecond, which its queries
 * also compare to the nanosecond. A retried append is recognised by comparing content, times included, so a log that
 * rounded an instant would refuse the retry of an event it holds. An event that the log cannot hold exactly (an
 * instant outside its range, metadata over its column) is refused with an
 * {@link io.eventsource.domain.InvalidValueException} before anything is written, never stored changed.
 *
 * <p>Failures: a rule of the log that an append breaks is the domain's exception (a conflict, a reused id, a value
 * over a limit), which retrying the same append meets again; a store that cannot be reached (connection refused or
 * lost, a timeout) is a {@link TransientPortException}; a store that refuses the log for good (credentials,
 * permissions, a schema that does not fit, a value its schema refuses) a {@link PermanentPortException}. The suites
 * {@code EventLogContract}, {@code EventLogFailuresContract} and {@code EventLogConnectionFailuresContract} of the TCK
 * check all of this.
 *
 * <p>Implementations are thread-safe.
 */
public interface EventLog extends AutoCloseable {

    /**
     * Appends events to the aggregate, atomically: all of them get the next sequences, or none is written. An append
     * that names event ids the log holds is judged by {@link io.eventsource.domain.RetriedAppend}: the retry of a
     * written append (a publish sent again after a timeout) returns what that append wrote, and writes nothing.
     *
     * @return the appended events with their sequences and positions, in order
     * @throws ConcurrencyConflictException if the aggregate is not at {@code expected} version (also when
     *         another appender took the same sequence first); nothing is written
     * @throws io.eventsource.domain.DuplicateEventIdException if an event id is already in the log and the append is
     *         no retry of the append that wrote it; nothing is written
     * @throws io.eventsource.domain.PayloadTooLargeException if an event's payload is over the log's
     *         {@link io.eventsource.domain.PayloadLimit}; nothing is written
     * @throws io.eventsource.domain.InvalidValueException if two events of the append share an id, or an event is
     *         over another of the log's size limits; nothing is written
     * @throws PortException if the log cannot be reached
     */
    List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events);

    /**
     * Appends the events of several aggregates in one go (a publisher's batch): each {@link Append} as
     * {@link #append} would, in the given order, so that appends of one aggregate follow each other; an append that
     * breaks a rule of the log is {@link AppendOutcome.Refused refused} alone, never failing its neighbours. The
     * default appends one at a time; an adapter writes them in one transaction where it can.
     *
     * @return one outcome per append, in the order given
     * @throws PortException if the log cannot be reached: then some appends may have been written (a transient
     *         failure), and appending them again with the same events returns them as they are
     */
    default List<AppendOutcome> appendAll(List<Append> appends) {
        List<AppendOutcome> outcomes = new ArrayList<>(appends.size());
        for (Append append : appends) {
            try {
                outcomes.add(new AppendOutcome.Appended(append(append.aggregate(), append.expected(), append.events())));
            } catch (EventsourceException refused) {
                outcomes.add(new AppendOutcome.Refused(refused));
            }
        }
        return outcomes;
    }

    /**
     * The aggregate's version: its last sequence, 0 if it has no events.
     *
     * @throws PortException if the log cannot be reached
     */
    long version(AggregateRef aggregate);

    /**
     * The aggregate's events with sequences {@code from..to} (inclusive) that exist, in sequence order.
     *
     * @throws PortException if the log cannot be reached
     */
    List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence);

    /**
     * Several reads at once, as {@link #read(AggregateRef, long, long)} per range, with one round trip where the log
     * can: listeners that check many aggregates' deliveries against the log at the same time share it. The default
     * reads one range at a time.
     *
     * @return per range, in the order given, the events that exist, in sequence order
     * @throws PortException if the log cannot be reached
     */
    default List<List<Event>> readAll(List<SequenceRange> ranges) {
        List<List<Event>> found = new ArrayList<>(ranges.size());
        for (SequenceRange range : ranges) {
            found.add(read(range.aggregate(), range.fromSequence(), range.toSequence()));
        }
        return found;
    }

    /**
     * As {@link #readAll}, each event with its position in the log (and its outbox state): a listener compares a
     * position with {@link #newestPosition} read earlier to know whether the event was appended since. The default
     * reads each range's aggregate page by page with {@link #read(LogQuery)}, from its first event to the range's
     * end, which costs more the longer the aggregate's history: an adapter answers in one round trip, as for
     * {@link #readAll}.
     *
     * @return per range, in the order given, the events that exist, in sequence order
     * @throws PortException if the log cannot be reached
     */
    default List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
        List<LoggedEvent> found = new ArrayList<>();
        for (SequenceRange range : ranges) {
            AggregateRef aggregate = Objects.requireNonNull(range, "ranges must not contain null").aggregate();
            if (range.isEmpty()) {
                continue;
            }
            LogQuery query = LogQuery.all().ofAggregate(aggregate.type(), aggregate.id()).limit(LogQuery.MAX_LIMIT);
            LogPage page;
            long after = 0;
            boolean past = false;
            do {
                page = read(query.after(after));
                for (LoggedEvent logged : page.events()) {
                    // an aggregate's events are in sequence order in the log: none of the range follows this one
                    past |= logged.event().sequence() >= range.toSequence();
                    if (range.holds(logged.event())) {
                        found.add(logged);
                    }
                }
                after = page.lastPosition();
            } while (page.hasMore() && !past);
        }
        return SequenceRange.answer(ranges, found);
    }

    /**
     * A page of the whole log after a position, matching the query's filters, in position order: for
     * replay and catch-up.
     *
     * @throws PortException if the log cannot be reached
     */
    LogPage read(LogQuery query);

    /**
     * The position of the newest event of the type in the log, 0 if it has none: with a binding's checkpoint, how far
     * the binding is behind (its lag). The default pages through the type's events with {@link #read(LogQuery)}; an
     * adapter answers from an index.
     *
     * @throws PortException if the log cannot be reached
     */
    default long newestPosition(AggregateType type) {
        Objects.requireNonNull(type, "type");
        LogQuery query = LogQuery.all().ofType(type).limit(LogQuery.MAX_LIMIT);
        long newest = 0;
        while (true) {
            LogPage page = read(query.after(newest));
            newest = page.lastPosition();
            if (!page.hasMore()) {
                return newest;
            }
        }
    }

    /**
     * Up to {@code limit} events not yet marked published that occurred before {@code occurredBefore},
     * in position order: what the relay publishes after an outage.
     *
     * @throws PortException if the log cannot be reached
     */
    List<LoggedEvent> unpublished(Instant occurredBefore, int limit);

    /**
     * Marks the events as published at {@code at}. Idempotent; unknown ids are ignored.
     *
     * @throws PortException if the log cannot be reached
     */
    void markPublished(Collection<EventId> events, Instant at);

    /** Releases resources. Never throws. */
    @Override
    default void close() {
    }
}
