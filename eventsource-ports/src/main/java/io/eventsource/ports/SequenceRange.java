package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;

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
}
