package io.eventsource.domain;

/**
 * What a producer believes an aggregate's version (its last sequence) to be when it appends: the
 * optimistic-concurrency check of the event log.
 *
 * @param value {@code -1} for any version, {@code 0} for an aggregate with no events yet, {@code n} for exactly n
 */
public record ExpectedVersion(long value) {
    /** No check: append after whatever is there. */
    public static final ExpectedVersion ANY = new ExpectedVersion(-1);
    /** The aggregate must have no events yet. */
    public static final ExpectedVersion NONE = new ExpectedVersion(0);

    /**
     * Checks the expectation.
     *
     * @throws InvalidValueException if {@code value} is below -1
     */
    public ExpectedVersion {
        if (value < -1) {
            throw new InvalidValueException("ExpectedVersion must be -1 (any), 0 (no events yet) or a sequence, got " + value);
        }
    }

    /** The aggregate must be exactly at this version. */
    public static ExpectedVersion exactly(long version) {
        return new ExpectedVersion(version);
    }

    /** Whether an aggregate currently at {@code actual} may be appended to. */
    public boolean admits(long actual) {
        return value == -1 || value == actual;
    }

    @Override
    public String toString() {
        return value == -1 ? "any version" : value == 0 ? "no events yet" : "version " + value;
    }
}
