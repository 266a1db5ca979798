package io.eventsource.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What the listener does when a handler throws: retry it up to {@code maxAttempts} times in all, waiting
 * {@code firstBackoff} before the second attempt and twice as long before each further one (at most
 * {@code maxBackoff}), on the scheduler, never blocking a thread; then apply {@code whenExhausted}.
 *
 * @param maxAttempts handler invocations per event before giving up, 1 or more
 * @param firstBackoff wait before the second attempt, zero or positive
 * @param maxBackoff longest wait between attempts, at least {@code firstBackoff}
 * @param whenExhausted what happens once the attempts are used up
 */
public record FailurePolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Exhausted whenExhausted) {

    /** What happens to an event whose handler failed every attempt. */
    public enum Exhausted {
        /**
         * The seed's policy: record the ack as {@code fail} (for replay) and go on with the aggregate's next
         * event.
         */
        RECORD_FAIL_AND_CONTINUE,
        /**
         * Record the ack as {@code fail} and park the aggregate for that binding: the aggregate's later events
         * wait for that binding (they are not handed to it and get no ack of it; other bindings go on) until
         * the failed event is replayed successfully ({@link ProjectionBinding#replayFailures}); then the binding
         * handles them in sequence order, filled from the log. A binding is parked on an aggregate exactly while
         * the last event of it that the binding has an ack for has failed, so the parking is kept in the ack
         * store and holds for every instance of the service and across restarts. The sweeper does not re-drive
         * a parked aggregate. Costs one log read and one ack lookup per event and binding while this policy is
         * in force.
         */
        PARK
    }

    /** The seed's policy with three attempts, 200 ms then 400 ms apart: record the failure and go on. */
    public static final FailurePolicy SEED = new FailurePolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5),
            Exhausted.RECORD_FAIL_AND_CONTINUE);

    /**
     * Checks the policy.
     *
     * @throws NullPointerException if {@code firstBackoff}, {@code maxBackoff} or {@code whenExhausted} is null
     * @throws IllegalArgumentException if {@code maxAttempts} is below 1, {@code firstBackoff} is negative or
     *         {@code maxBackoff} is shorter than {@code firstBackoff}
     */
    public FailurePolicy {
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(whenExhausted, "whenExhausted");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("FailurePolicy maxAttempts must be 1 or more, got " + maxAttempts);
        }
        if (firstBackoff.isNegative()) {
            throw new IllegalArgumentException("FailurePolicy firstBackoff must be zero or positive, got " + firstBackoff);
        }
        if (maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("FailurePolicy maxBackoff (" + maxBackoff
                    + ") must be at least firstBackoff (" + firstBackoff + ")");
        }
    }

    /** The seed's policy. */
    public static FailurePolicy seed() {
        return SEED;
    }

    /** This policy with another number of attempts. */
    public FailurePolicy withMaxAttempts(int value) {
        return new FailurePolicy(value, firstBackoff, maxBackoff, whenExhausted);
    }

    /** The seed's attempts and backoffs, parking the aggregate for the binding once they are used up. */
    public static FailurePolicy park() {
        return SEED.withWhenExhausted(Exhausted.PARK);
    }

    /** This policy with another outcome once the attempts are used up. */
    public FailurePolicy withWhenExhausted(Exhausted value) {
        return new FailurePolicy(maxAttempts, firstBackoff, maxBackoff, value);
    }

    /** Whether a binding's failed event parks its aggregate for that binding ({@link Exhausted#PARK}). */
    public boolean parks() {
        return whenExhausted == Exhausted.PARK;
    }

    /** This policy with other backoffs. */
    public FailurePolicy withBackoff(Duration first, Duration max) {
        return new FailurePolicy(maxAttempts, first, max, whenExhausted);
    }

    /** Whether another attempt follows the failed {@code attempt} (1 for the first). */
    public boolean retriesAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** The wait after the failed {@code attempt} (1 for the first) before the next one. */
    public Duration backoffAfter(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        Duration wait = firstBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
