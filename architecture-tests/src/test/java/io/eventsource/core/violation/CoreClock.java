package io.eventsource.core.violation;

import io.eventsource.ports.Cancellable;
import io.eventsource.ports.Scheduler;

import java.time.Duration;
import java.time.Instant;

/** Allowed: a Scheduler implementation (and its nested classes) is where the system clock is read. */
public final class CoreClock implements Scheduler {
    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        return new Timer(System.nanoTime() + delay.toNanos());
    }

    @Override
    public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        return schedule(initialDelay, task);
    }

    private static final class Timer implements Cancellable {
        private final long due;

        Timer(long due) {
            this.due = due;
        }

        @Override
        public void cancel() {
            if (System.nanoTime() > due) {
                return;
            }
        }
    }
}
