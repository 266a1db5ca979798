package io.eventsource.core;

import io.eventsource.ports.Cancellable;
import io.eventsource.ports.Scheduler;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Work that runs on the scheduler at a fixed rate, one run at a time (the relay's, the sweeper's): a run that falls
 * due while the previous one is in progress is skipped. {@link #stop()} cancels the timer and completes once the run
 * in progress, if any, has finished, and no run begins after it; so whoever owns the stores that a run uses may close
 * them once the stop has completed, and no run fails half-way on a closed connection.
 */
final class PeriodicWork {
    private final Scheduler scheduler;
    private final Duration interval;
    private final Runnable run;
    private Cancellable task;
    private boolean running;
    /** Completes once stopped and no run is in progress; null until {@link #stop()}. */
    private CompletableFuture<Void> stopped;

    /** @param run calls {@link #begin()} and, if it may run, {@link #end()} when done */
    PeriodicWork(Scheduler scheduler, Duration interval, Runnable run) {
        this.scheduler = scheduler;
        this.interval = interval;
        this.run = run;
    }

    /** Schedules the runs, every interval from one interval on; nothing once stopped. */
    synchronized void start() {
        if (task == null && stopped == null) {
            task = scheduler.scheduleAtFixedRate(interval, interval, run);
        }
    }

    /** Whether a run may begin now: none is in progress and it was not stopped. If so, call {@link #end()} after. */
    synchronized boolean begin() {
        if (running || stopped != null) {
            return false;
        }
        running = true;
        return true;
    }

    /** The run that {@link #begin()} let begin is over. */
    void end() {
        CompletableFuture<Void> done;
        synchronized (this) {
            running = false;
            done = stopped;
        }
        if (done != null) {
            done.complete(null);
        }
    }

    /** Whether {@link #stop()} was called: a run in progress ends at its next step. */
    synchronized boolean isStopping() {
        return stopped != null;
    }

    /** Cancels the timer; completes once the run in progress, if any, is over. Idempotent. */
    CompletableFuture<Void> stop() {
        CompletableFuture<Void> done;
        boolean idle;
        synchronized (this) {
            if (stopped != null) {
                return stopped;
            }
            stopped = new CompletableFuture<>();
            if (task != null) {
                task.cancel();
            }
            done = stopped;
            idle = !running;
        }
        if (idle) {
            done.complete(null);
        }
        return done;
    }
}
