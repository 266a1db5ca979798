package io.eventsource.tck;

import io.eventsource.ports.TransientPortException;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** What a caller does after a transient failure, as the suites need it: retry with a short backoff, for a while. */
final class Recovery {
    /** How long a store that is back may take before the port works again. */
    static final Duration WITHIN = Duration.ofSeconds(30);
    private static final Duration BACKOFF = Duration.ofMillis(100);

    private Recovery() {
    }

    /**
     * The call's result once it succeeds, retrying it after each {@link TransientPortException} for up to
     * {@link #WITHIN}; any other exception is thrown at once.
     *
     * @throws AssertionError if it still fails transiently after that
     */
    static <T> T retryWhileTransient(String what, Supplier<T> call) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (TransientPortException stillDown) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(what + " still failed transiently " + WITHIN.toSeconds()
                            + " s after the store came back", stillDown);
                }
                // a retry with backoff is what the port tells a caller to do after a transient failure
                LockSupport.parkNanos(BACKOFF.toNanos());
            }
        }
    }
}
