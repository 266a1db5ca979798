package io.eventsource.benchmarks;

import java.util.Arrays;

/** Latency samples in nanoseconds, recorded from many threads, summarised as percentiles. */
final class Latencies {
    private long[] samples = new long[4096];
    private int size;

    synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    synchronized Summary summary() {
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        return new Summary(size, millis(sorted, 0.50), millis(sorted, 0.99), size == 0 ? Double.NaN
                : sorted[size - 1] / 1e6);
    }

    /** The nearest-rank percentile, in milliseconds; NaN without samples. */
    private static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    record Summary(int count, double p50Millis, double p99Millis, double maxMillis) {
    }
}
