package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
}
