package io.eventsource.benchmarks;

import java.util.concurrent.locks.LockSupport;

/**
 * Sends at a fixed rate: the k-th send is due at {@code start + k / rate}. Latencies are measured from the due time,
 * not from when the send happened, so that a sender held up by a slow call does not hide the wait from the figures
 * (coordinated omission).
 */
final class Pacer {
    private final long start;
    private final double intervalNanos;

    Pacer(long startNanos, double ratePerSecond) {
        this.start = startNanos;
        this.intervalNanos = 1e9 / ratePerSecond;
    }

    /** When the k-th send is due, in {@link System#nanoTime()} terms. */
    long due(long k) {
        return start + (long) (k * intervalNanos);
    }

    /** Waits until {@code nanoTime}; returns at once if it has passed. */
    static void waitUntil(long nanoTime) {
        long remaining;
        // parking has a granularity of tens of microseconds: good enough at the rates measured here, and it leaves the
        // CPU to the services on a small machine, which spinning would not
        while ((remaining = nanoTime - System.nanoTime()) > 20_000) {
            LockSupport.parkNanos(remaining);
        }
    }
}
