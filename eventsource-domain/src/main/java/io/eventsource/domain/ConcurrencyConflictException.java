package io.eventsource.domain;

/**
 * An append expected the aggregate at one version and found it at another. Nothing was written:
 * reload the aggregate and decide again.
 */
public final class ConcurrencyConflictException extends EventsourceException {
    private static final long serialVersionUID = 1L;
    private final transient AggregateRef aggregate;
    private final transient ExpectedVersion expected;
    private final long actual;

    /**
     * The refusal of an append to {@code aggregate} that expected {@code expected} and found the aggregate at
     * version {@code actual}; the message says that nothing was written.
     */
    public ConcurrencyConflictException(AggregateRef aggregate, ExpectedVersion expected, long actual) {
        super("append to " + aggregate + " expected " + expected + " but the aggregate is at version "
                + actual + "; nothing was written");
        this.aggregate = aggregate;
        this.expected = expected;
        this.actual = actual;
    }

    /** The aggregate of the refused append (not kept across Java serialization: null after it). */
    public AggregateRef aggregate() {
        return aggregate;
    }

    /** The version the refused append expected (not kept across Java serialization: null after it). */
    public ExpectedVersion expected() {
        return expected;
    }

    /** The version (last sequence) the aggregate was found at. */
    public long actual() {
        return actual;
    }
}
