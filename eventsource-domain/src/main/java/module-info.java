/**
 * The domain of eventsource: events, identifiers, broker topology names, the aggregate-queue
 * lifecycle, the ack rules, the one-binding rule and the sequence rules. Pure values and functions:
 * no I/O, no threads, no libraries.
 */
module io.eventsource.domain {
    exports io.eventsource.domain;
}
