package io.eventsource.ports;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One aggregate's part of {@link EventLog#readAll}: what {@link EventLog#read(AggregateRef, long, long)} takes, as a
 * value.
 *
 * @param aggregate    the aggregate to read
 * @param fromSequence the first sequence to read (inclusive)
 * @param toSequence   the last sequence to read (inclusive); a range that ends before it starts reads nothing
 */
public record SequenceRange(AggregateRef aggregate, long fromSequence, long toSequence) {
    /**
     * @throws NullPointerException if {@code aggregate} is null
     */
    public SequenceRange {
        Objects.requireNonNull(aggregate, "aggregate");
    }

    /** Whether the range holds no sequence. */
    public boolean isEmpty() {
        return fromSequence > toSequence;
    }

    /** Whether the range holds the event: same aggregate, sequence within it. */
    public boolean holds(Event event) {
        return event.aggregate().equals(aggregate) && event.sequence() >= fromSequence
                && event.sequence() <= toSequence;
    }

    /**
     * The answer of {@link EventLog#readAllLogged} from the events that one read found for all the ranges (in any
     * order, events outside every range ignored): per range, in the order given, its events in sequence order.
     */
    public static List<List<LoggedEvent>> answer(List<SequenceRange> ranges, Collection<LoggedEvent> found) {
        Map<AggregateRef, List<LoggedEvent>> byAggregate = new HashMap<>();
        for (LoggedEvent logged : found) {
            byAggregate.computeIfAbsent(logged.event().aggregate(), aggregate -> new ArrayList<>()).add(logged);
        }
        Comparator<LoggedEvent> bySequence = Comparator.comparingLong(logged -> logged.event().sequence());
        byAggregate.values().forEach(events -> events.sort(bySequence));
        List<List<LoggedEvent>> answers = new ArrayList<>(ranges.size());
        for (SequenceRange range : ranges) {
            List<LoggedEvent> inRange = new ArrayList<>();
            for (LoggedEvent logged : byAggregate.getOrDefault(range.aggregate(), List.of())) {
                if (range.holds(logged.event())) {
                    inRange.add(logged);
                }
            }
            answers.add(List.copyOf(inRange));
        }
        return answers;
    }

    /**
     * The ranges as windows: the ranges of one type with the same bounds together, the window with the most aggregates
     * first (then in the order of their first range). A listener reads the same window of many aggregates at once (the
     * first events of new ones, or the next of each aggregate a producer goes round), and an adapter can ask a window
     * as one list of ids, which a database takes more cheaply than a range per aggregate.
     */
    public static List<Window> windows(Collection<SequenceRange> ranges) {
        record Bounds(AggregateType type, long fromSequence, long toSequence) {
        }
        Map<Bounds, Set<AggregateId>> byBounds = new LinkedHashMap<>();
        for (SequenceRange range : ranges) {
            byBounds.computeIfAbsent(new Bounds(range.aggregate().type(), range.fromSequence(), range.toSequence()),
                    bounds -> new LinkedHashSet<>()).add(range.aggregate().id());
        }
        List<Window> windows = new ArrayList<>(byBounds.size());
        byBounds.forEach((bounds, ids) -> windows.add(new Window(bounds.type(), bounds.fromSequence(),
                bounds.toSequence(), List.copyOf(ids))));
        windows.sort(Comparator.comparingInt((Window window) -> window.ids().size()).reversed());
        return windows;
    }

    /**
     * The same range of sequences of several aggregates of one type.
     *
     * @param type         the aggregates' type
     * @param fromSequence the first sequence to read (inclusive)
     * @param toSequence   the last sequence to read (inclusive)
     * @param ids          the aggregates' ids, distinct, one or more
     */
    public record Window(AggregateType type, long fromSequence, long toSequence, List<AggregateId> ids) {
        /**
         * @throws NullPointerException     if {@code type} or {@code ids} is null
         * @throws IllegalArgumentException if {@code ids} is empty
         */
        public Window {
            Objects.requireNonNull(type, "type");
            ids = List.copyOf(ids);
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("a window of " + type + " #" + fromSequence + "-" + toSequence
                        + " needs one or more aggregate ids");
            }
        }
    }
}
