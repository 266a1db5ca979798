package io.eventsource.ports;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Time, as the core reads it: the clock ({@link #instant()}) and delayed work. Every rule about time
 * (idle consumers, queue expiry, heartbeats, retry backoff, grace periods) goes through this port, so
 * that a virtual implementation can run minutes of traffic in milliseconds, deterministically.
 *
 * <p>Contract: a task runs once, no earlier than {@code delay} after it was scheduled by this clock;
 * tasks due at the same instant run in the order they were scheduled; a cancelled task that has not
 * started does not run. A task's exception is logged by the scheduler and does not stop other tasks.
 */
public interface Scheduler extends InstantSource {

    /** The current instant of this scheduler's clock. */
    @Override
    Instant instant();

    /**
     * Runs {@code task} once after {@code delay} (zero: as soon as possible, not on the calling thread's stack).
     *
     * @return a handle that cancels the task if it has not started
     */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Runs {@code task} every {@code period}, the first time after {@code initialDelay}, until cancelled.
     * A run that is late does not cause a burst of catch-up runs.
     */
    Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task);

    /**
     * Runs {@code task} as soon as possible, not on the calling thread's stack, where it may block on the stores for
     * a while: a listener's handlers and the reads around them run here, so that timers (heartbeats, retries, expiry)
     * are not held up behind them. The default is {@code schedule(Duration.ZERO, task)}, which keeps a virtual
     * scheduler's runs deterministic; a real-time scheduler gives this work threads of its own.
     */
    default void execute(Runnable task) {
        schedule(Duration.ZERO, task);
    }
}
