package io.eventsource.adapter.rabbitmq;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something a real broker does in its own time, with a deadline. */
final class Poll {
    private static final long PERIOD_MILLIS = 25;

    private Poll() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting until " + what);
            }
            pause();
        }
    }

    /** Asserts that the condition stays false for the whole period. */
    static void never(String what, Duration period, BooleanSupplier condition) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                throw new AssertionError("Expected never, but saw: " + what);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PERIOD_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
