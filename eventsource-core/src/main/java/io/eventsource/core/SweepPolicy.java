package io.eventsource.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a listener's sweeper looks for events that a binding has no ack for (guarantee G2, no loss): every
 * {@code interval} it reads the event log of each bound aggregate type in pages of {@code pageSize}, and
 * re-drives the aggregates of the events that a binding has no ack for (ok or fail) once they are older than
 * {@code gracePeriod}, at most {@code maxRedrivesPerRun} aggregates per run. See {@link Listener} for what a
 * re-drive does.
 *
 * <p>Which events a binding is owed: those that occurred at or after its listener's start minus
 * {@code lookback} (the events appended while it was registered, approximated: the lookback covers a restart
 * or a crash of the previous process), or every event of its type if it asked for
 * {@link ProjectionBinding#fromBeginning()}. Events appended while every instance of a service was down for
 * longer than the lookback reach it through its durable announcement queue and the gap fill, not the sweeper.
 *
 * @param enabled whether listeners sweep at all
 * @param interval time between runs, and before the first one after start
 * @param gracePeriod an event is swept only this long after it occurred and after it was published, so that
 *                    the normal path (delivery, gap fill, relay) has had its chance; keep it well above the
 *                    relay's grace period and the time a consumer needs to catch up
 * @param lookback how far before its listener's start a binding is owed events
 * @param pageSize events read from the log per page, 1-10000
 * @param maxRedrivesPerRun aggregates re-driven per run at most, 1 or more; a run that reaches it stops there
 *                          and the next run goes on from that point
 */
public record SweepPolicy(boolean enabled, Duration interval, Duration gracePeriod, Duration lookback, int pageSize,
                          int maxRedrivesPerRun) {

    /**
     * Sweeps every 5 s, events older than 10 s, owed from 15 min before the start, 500 a page, 100 re-drives a run:
     * the last resort recovers within about 15 s what every other path missed.
     */
    public static final SweepPolicy DEFAULT = new SweepPolicy(true, Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofMinutes(15), 500, 100);

    /**
     * Checks the policy (also when disabled).
     *
     * @throws NullPointerException if a duration is null
     * @throws IllegalArgumentException if {@code interval} is not positive, {@code gracePeriod} or {@code lookback}
     *         is negative, {@code pageSize} is outside 1-10000 or {@code maxRedrivesPerRun} is below 1
     */
    public SweepPolicy {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        Objects.requireNonNull(lookback, "lookback");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("SweepPolicy interval must be positive, got " + interval);
        }
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("SweepPolicy gracePeriod must be zero or positive, got " + gracePeriod);
        }
        if (lookback.isNegative()) {
            throw new IllegalArgumentException("SweepPolicy lookback must be zero or positive, got " + lookback);
        }
        if (pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("SweepPolicy pageSize must be 1-10000, got " + pageSize);
        }
        if (maxRedrivesPerRun < 1) {
            throw new IllegalArgumentException("SweepPolicy maxRedrivesPerRun must be 1 or more, got " + maxRedrivesPerRun);
        }
    }

    /** The defaults ({@link #DEFAULT}). */
    public static SweepPolicy defaults() {
        return DEFAULT;
    }

    /**
     * No sweeping: an event that the normal path loses (a queue that expired with it, a publish that missed a
     * service coming back) reaches a binding only when its aggregate has news again.
     */
    public static SweepPolicy disabled() {
        return DEFAULT.withEnabled(false);
    }

    /** This policy, switched on or off. */
    public SweepPolicy withEnabled(boolean value) {
        return new SweepPolicy(value, interval, gracePeriod, lookback, pageSize, maxRedrivesPerRun);
    }

    /** This policy with another interval and grace period. */
    public SweepPolicy withTiming(Duration newInterval, Duration newGracePeriod) {
        return new SweepPolicy(enabled, newInterval, newGracePeriod, lookback, pageSize, maxRedrivesPerRun);
    }

    /** This policy with another lookback before a listener's start. */
    public SweepPolicy withLookback(Duration value) {
        return new SweepPolicy(enabled, interval, gracePeriod, value, pageSize, maxRedrivesPerRun);
    }

    /** This policy with other bounds of one run. */
    public SweepPolicy withBounds(int newPageSize, int newMaxRedrivesPerRun) {
        return new SweepPolicy(enabled, interval, gracePeriod, lookback, newPageSize, newMaxRedrivesPerRun);
    }
}
