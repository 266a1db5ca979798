package io.eventsource.benchmarks;

/**
 * How one publishing phase of the library went.
 *
 * @param published       events the publisher took (sent, or left to the relay)
 * @param pending         of those, how many the publisher left to the relay ({@code Publication.Pending})
 * @param failed          publishes that threw or completed exceptionally (nothing appended)
 * @param publishSeconds  from the first publish call to the last publication
 * @param endToEndSeconds from the first publish call until every binding had handled and acked every published event
 * @param settled         whether that happened before the deadline; if not, {@code endToEndSeconds} is the wait
 */
record Throughput(long published, long pending, long failed, double publishSeconds, double endToEndSeconds,
                  boolean settled) {

    /** Events handled and acked by every binding, per second, end to end. */
    double eventsPerSecond() {
        return published / endToEndSeconds;
    }

    double publishedPerSecond() {
        return published / publishSeconds;
    }
}
