package io.eventsource.benchmarks;

import java.time.Duration;

/**
 * When a warm-up in rounds ends, by the JIT's share of a core in each round: not before {@code atLeast}, then after
 * {@code quietRounds} rounds in a row in which the JIT used less than {@code settled} of a core, or at {@code atMost}
 * whatever it does, or at once where the JIT's time is unknown (no {@code /proc}). One quiet round is not enough: the
 * JIT compiles in bursts (rounds of 20%, 32%, 7%, then 23% through the phase that followed, in one run), so a single
 * lull ended warm-ups while the measured phase still compiled.
 */
final class JitSettling {
    /** Why the warm-up ended. */
    enum Ended {
        /** The JIT used less than the settled share for the quiet rounds in a row. */
        SETTLED,
        /** The longest warm-up passed with the JIT still busy. */
        AT_MOST,
        /** The JIT's time could not be read. */
        UNKNOWN
    }

    private final Duration atLeast;
    private final Duration atMost;
    private final double settled;
    private final int quietRounds;
    private int quietInARow;

    /**
     * @param settled     the JIT's share of one core below which a round is quiet, in (0, 1]
     * @param quietRounds how many quiet rounds in a row end the warm-up, 1 or more
     */
    JitSettling(Duration atLeast, Duration atMost, double settled, int quietRounds) {
        if (atLeast.isNegative() || atMost.compareTo(atLeast) < 0 || !(settled > 0 && settled <= 1)
                || quietRounds < 1) {
            throw new IllegalArgumentException("a JIT warm-up needs 0 <= atLeast <= atMost, a settled share in (0, 1]"
                    + " and 1 or more quiet rounds, got atLeast " + atLeast + ", atMost " + atMost + ", settled "
                    + settled + ", quietRounds " + quietRounds);
        }
        this.atLeast = atLeast;
        this.atMost = atMost;
        this.settled = settled;
        this.quietRounds = quietRounds;
    }

    /**
     * Takes one more round's JIT share and tells whether the warm-up ends after it.
     *
     * @param share   the JIT's share of one core in the round, NaN if unknown
     * @param elapsed the warm-up's time so far, this round included
     * @return why it ends, or null if it goes on
     */
    Ended afterRound(double share, Duration elapsed) {
        quietInARow = share < settled ? quietInARow + 1 : 0;
        if (elapsed.compareTo(atLeast) < 0) {
            return null;
        }
        if (Double.isNaN(share)) {
            return Ended.UNKNOWN;
        }
        if (quietInARow >= quietRounds) {
            return Ended.SETTLED;
        }
        return elapsed.compareTo(atMost) >= 0 ? Ended.AT_MOST : null;
    }
}
