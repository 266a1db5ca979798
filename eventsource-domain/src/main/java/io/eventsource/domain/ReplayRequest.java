package io.eventsource.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which events of a binding's aggregate type a replay hands to the binding again, and how fast: all of them, or
 * those of one aggregate, of a range of log positions, of a range of times they occurred at, or only those whose
 * ack is a failure; every filter given applies. Start from {@link #all()} and narrow:
 * {@code ReplayRequest.all().positions(1000, 2000).throttle(100)}.
 *
 * <p>A request that is a {@link #isReset() reset} ({@link #resetAbove}) also rewinds the binding's checkpoint: a
 * projection rebuilt from a position.
 *
 * @param id names the replay: its progress is stored under it, and the same request with the same id goes on
 *           from there (after a crash)
 * @param aggregateId only events of this aggregate of the binding's type, or null for every aggregate
 * @param fromPosition the first log position selected, 1 or more
 * @param toPosition the last log position selected (inclusive), {@link Long#MAX_VALUE} for "the newest when the
 *                   replay starts"
 * @param occurredFrom only events that occurred at or after this, or null
 * @param occurredBefore only events that occurred before this, or null
 * @param onlyFailed only events whose ack of the binding is a failure ({@link #failedOnly()})
 * @param eventsPerSecond the throttle: at most this many events sent per second, 1-{@value #MAX_RATE}
 * @param reset whether the binding's checkpoint is rewound to {@code fromPosition - 1} first
 */
public record ReplayRequest(ReplayId id, AggregateId aggregateId, long fromPosition, long toPosition,
                            Instant occurredFrom, Instant occurredBefore, boolean onlyFailed, int eventsPerSecond,
                            boolean reset) {
    /** The throttle of {@link #all()}: fast enough for a projection's history, gentle on the broker's queues. */
    public static final int DEFAULT_RATE = 500;
    /** The highest throttle. */
    public static final int MAX_RATE = 100_000;

    /**
     * Checks the request.
     *
     * @throws InvalidValueException if {@code id} is null, a position range is empty or starts below 1, the time
     *         range is empty, the throttle is outside 1-{@value #MAX_RATE}, or a reset is failed-only or of one
     *         aggregate
     */
    public ReplayRequest {
        if (id == null) {
            throw new InvalidValueException("ReplayRequest needs an id; ReplayRequest.all() makes a random one");
        }
        if (fromPosition < 1 || toPosition < fromPosition) {
            throw new InvalidValueException("ReplayRequest positions must be 1 <= from <= to, got from "
                    + fromPosition + " to " + toPosition);
        }
        if (occurredFrom != null && occurredBefore != null && !occurredFrom.isBefore(occurredBefore)) {
            throw new InvalidValueException("ReplayRequest times must be from < before, got from " + occurredFrom
                    + " before " + occurredBefore);
        }
        if (eventsPerSecond < 1 || eventsPerSecond > MAX_RATE) {
            throw new InvalidValueException("ReplayRequest throttle must be 1-" + MAX_RATE + " events/s, got "
                    + eventsPerSecond);
        }
        if (reset && (onlyFailed || aggregateId != null || occurredFrom != null || occurredBefore != null
                || toPosition != Long.MAX_VALUE)) {
            throw new InvalidValueException("a reset replays every event above its position; it takes no other"
                    + " filter");
        }
    }

    /** Every event of the binding's type, at {@value #DEFAULT_RATE} events/s, under a random id. */
    public static ReplayRequest all() {
        return new ReplayRequest(ReplayId.random(), null, 1, Long.MAX_VALUE, null, null, false, DEFAULT_RATE, false);
    }

    /**
     * A reset to {@code toPosition}: the checkpoint rewound there and every event above it replayed, at
     * {@value #DEFAULT_RATE} events/s, under a random id. {@code resetAbove(0)} rebuilds from the beginning.
     *
     * @throws InvalidValueException if {@code toPosition} is negative or {@link Long#MAX_VALUE}
     */
    public static ReplayRequest resetAbove(long toPosition) {
        if (toPosition < 0 || toPosition == Long.MAX_VALUE) {
            throw new InvalidValueException("a reset position is 0 (from scratch) or a log position, got "
                    + toPosition);
        }
        return new ReplayRequest(ReplayId.random(), null, toPosition + 1, Long.MAX_VALUE, null, null, false,
                DEFAULT_RATE, true);
    }

    /** This request under the id {@code value}, so that it can be resumed by it. */
    public ReplayRequest id(ReplayId value) {
        return new ReplayRequest(value, aggregateId, fromPosition, toPosition, occurredFrom, occurredBefore,
                onlyFailed, eventsPerSecond, reset);
    }

    /** As {@link #id(ReplayId)} with the id written as text. */
    public ReplayRequest id(String value) {
        return id(ReplayId.of(value));
    }

    /** This request for the events of one aggregate only. */
    public ReplayRequest ofAggregate(AggregateId value) {
        return new ReplayRequest(id, Objects.requireNonNull(value, "aggregate id"), fromPosition, toPosition,
                occurredFrom, occurredBefore, onlyFailed, eventsPerSecond, reset);
    }

    /** This request for log positions {@code from..to}, both inclusive. */
    public ReplayRequest positions(long from, long to) {
        return new ReplayRequest(id, aggregateId, from, to, occurredFrom, occurredBefore, onlyFailed,
                eventsPerSecond, reset);
    }

    /** This request for events that occurred at or after {@code from} and before {@code before}; null: open. */
    public ReplayRequest occurredBetween(Instant from, Instant before) {
        return new ReplayRequest(id, aggregateId, fromPosition, toPosition, from, before, onlyFailed,
                eventsPerSecond, reset);
    }

    /** This request for the events whose ack of the binding is a failure only. */
    public ReplayRequest failedOnly() {
        return new ReplayRequest(id, aggregateId, fromPosition, toPosition, occurredFrom, occurredBefore, true,
                eventsPerSecond, reset);
    }

    /** This request sending at most {@code value} events per second. */
    public ReplayRequest throttle(int value) {
        return new ReplayRequest(id, aggregateId, fromPosition, toPosition, occurredFrom, occurredBefore,
                onlyFailed, value, reset);
    }

    /** The aggregate filter; empty for every aggregate of the type. */
    public Optional<AggregateId> aggregateFilter() {
        return Optional.ofNullable(aggregateId);
    }

    /** Whether this is a reset: the checkpoint is rewound to {@code fromPosition - 1} before the replay. */
    public boolean isReset() {
        return reset;
    }
}
