package io.eventsource.benchmarks;

import java.time.Duration;

/**
 * When a paced run's warm-up ends: not before {@code atLeast}, then once the deliveries outstanding have stayed at or
 * below a threshold for a whole {@code hold} (a pass over the aggregates: a backlog that drained for a moment and came
 * back within the pass does not end it), or at {@code longest} whatever the backlog. Checked at each send's due time;
 * times are {@link System#nanoTime()} terms, so that a test can give its own.
 */
final class WarmUp {
    private final long earliestEnd;
    private final long latestEnd;
    private final long threshold;
    private final long holdNanos;
    /** Since when the outstanding deliveries have stayed at or below the threshold, or -1 while they are above it. */
    private long heldSince = -1;
    private boolean drained;

    /**
     * @param start     when the first send is due
     * @param threshold the most deliveries outstanding that count as drained (0 or more)
     * @param hold      how long they must stay drained: a pass over the aggregates
     */
    WarmUp(long start, Duration atLeast, Duration longest, long threshold, Duration hold) {
        if (atLeast.isNegative() || longest.compareTo(atLeast) < 0 || threshold < 0 || hold.isNegative()) {
            throw new IllegalArgumentException("a warm-up needs 0 <= atLeast <= longest, a threshold and a hold of 0"
                    + " or more, got atLeast " + atLeast + ", longest " + longest + ", threshold " + threshold
                    + ", hold " + hold);
        }
        this.earliestEnd = start + atLeast.toNanos();
        this.latestEnd = start + longest.toNanos();
        this.threshold = threshold;
        this.holdNanos = hold.toNanos();
    }

    /** Whether the warm-up is over at {@code now}, with {@code outstanding} deliveries not yet handled. */
    boolean over(long now, long outstanding) {
        if (outstanding > threshold) {
            heldSince = -1;
        } else if (heldSince == -1) {
            heldSince = now;
        }
        drained = heldSince != -1 && now - heldSince >= holdNanos;
        return now >= earliestEnd && (drained || now >= latestEnd);
    }

    /** Whether the backlog had stayed drained for the whole hold when the warm-up ended (else it ended at its longest). */
    boolean drained() {
        return drained;
    }
}
