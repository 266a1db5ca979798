package io.eventsource.ports;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateType;

import java.time.Instant;
import java.util.Optional;

/**
 * Which part of the whole log to read: events after a position, optionally of one aggregate type, one
 * aggregate id and a time range, at most {@code limit} of them.
 *
 * @param afterPosition read events whose position is greater than this (0: from the beginning)
 * @param type only this aggregate type, or {@code null} for all
 * @param id only this aggregate id (with {@code type}), or {@code null} for all
 * @param occurredFrom only events that occurred at or after this, or {@code null}
 * @param occurredBefore only events that occurred before this, or {@code null}
 * @param limit page size, 1 to {@value #MAX_LIMIT}
 */
public record LogQuery(long afterPosition, AggregateType type, AggregateId id, Instant occurredFrom,
                       Instant occurredBefore, int limit) {
    /** The page size of {@link #all()}. */
    public static final int DEFAULT_LIMIT = 500;
    /** The largest page a query may ask for, so that one read stays bounded in memory and time. */
    public static final int MAX_LIMIT = 10_000;

    /**
     * Checks the query.
     *
     * @throws IllegalArgumentException if {@code afterPosition} is negative, {@code limit} is outside 1 to
     *         {@value #MAX_LIMIT}, or an aggregate id filter comes without its aggregate type
     */
    public LogQuery {
        if (afterPosition < 0) {
            throw new IllegalArgumentException("afterPosition must be 0 or more, got " + afterPosition);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", got " + limit);
        }
        if (id != null && type == null) {
            throw new IllegalArgumentException("an aggregate id filter needs its aggregate type");
        }
    }

    /** The whole log from the beginning, in pages of {@value #DEFAULT_LIMIT}. */
    public static LogQuery all() {
        return new LogQuery(0, null, null, null, null, DEFAULT_LIMIT);
    }

    /**
     * This query reading after {@code position}; the previous page's {@link LogPage#lastPosition()} gives the
     * next page.
     */
    public LogQuery after(long position) {
        return new LogQuery(position, type, id, occurredFrom, occurredBefore, limit);
    }

    /** This query reading only the events of aggregates of type {@code value}. */
    public LogQuery ofType(AggregateType value) {
        return new LogQuery(afterPosition, value, id, occurredFrom, occurredBefore, limit);
    }

    /** This query reading only the events of one aggregate: {@code aggregateType}-{@code value}. */
    public LogQuery ofAggregate(AggregateType aggregateType, AggregateId value) {
        return new LogQuery(afterPosition, aggregateType, value, occurredFrom, occurredBefore, limit);
    }

    /**
     * This query reading only events that occurred at or after {@code from} and before {@code before}; a null
     * bound leaves that side open.
     */
    public LogQuery occurredBetween(Instant from, Instant before) {
        return new LogQuery(afterPosition, type, id, from, before, limit);
    }

    /**
     * This query with pages of at most {@code value} events.
     *
     * @throws IllegalArgumentException if {@code value} is outside 1 to {@value #MAX_LIMIT}
     */
    public LogQuery limit(int value) {
        return new LogQuery(afterPosition, type, id, occurredFrom, occurredBefore, value);
    }

    /** The aggregate type read; empty when every type is read. */
    public Optional<AggregateType> typeFilter() {
        return Optional.ofNullable(type);
    }

    /** The aggregate id read (of {@link #typeFilter()}); empty when every aggregate of the type is read. */
    public Optional<AggregateId> idFilter() {
        return Optional.ofNullable(id);
    }
}
