package io.eventsource.testkit;

import io.eventsource.ports.Cancellable;
import io.eventsource.ports.Scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One service instance's view of the shared virtual clock: what the instance schedules runs on the clock, until
 * the instance is {@link #kill() killed}; from then on nothing it scheduled or schedules runs, as nothing runs in
 * a killed process (no heartbeat, no retry, no graceful goodbye).
 */
final class InstanceScheduler implements Scheduler {
    private static final Cancellable NOTHING = () -> { };

    private final Scheduler clock;
    private final Set<Cancellable> scheduled = new LinkedHashSet<>();
    private boolean killed;

    InstanceScheduler(Scheduler clock) {
        this.clock = clock;
    }

    @Override
    public Instant instant() {
        return clock.instant();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        return track(new Tracked(task, false), tracked -> clock.schedule(delay, tracked));
    }

    @Override
    public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        return track(new Tracked(task, true), tracked -> clock.scheduleAtFixedRate(initialDelay, period, tracked));
    }

    /** Cancels everything the instance scheduled and drops whatever it schedules from now on. */
    void kill() {
        List<Cancellable> pending;
        synchronized (this) {
            killed = true;
            pending = List.copyOf(scheduled);
            scheduled.clear();
        }
        pending.forEach(Cancellable::cancel);
    }

    private synchronized boolean isKilled() {
        return killed;
    }

    private Cancellable track(Tracked tracked, Function<Runnable, Cancellable> schedule) {
        synchronized (this) {
            if (killed) {
                return NOTHING;
            }
            scheduled.add(tracked);
        }
        tracked.handle = schedule.apply(tracked);
        return tracked;
    }

    /** A task of the instance: runs unless the instance was killed; a one-off forgets itself once it ran. */
    private final class Tracked implements Runnable, Cancellable {
        private final Runnable task;
        private final boolean periodic;
        private volatile Cancellable handle;

        Tracked(Runnable task, boolean periodic) {
            this.task = task;
            this.periodic = periodic;
        }

        @Override
        public void run() {
            if (!periodic) {
                synchronized (InstanceScheduler.this) {
                    scheduled.remove(this);
                }
            }
            if (!isKilled()) {
                task.run();
            }
        }

        @Override
        public void cancel() {
            synchronized (InstanceScheduler.this) {
                scheduled.remove(this);
            }
            Cancellable scheduledOnTheClock = handle;
            if (scheduledOnTheClock != null) {
                scheduledOnTheClock.cancel();
            }
        }
    }
}
