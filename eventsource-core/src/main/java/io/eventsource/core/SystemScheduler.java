package io.eventsource.core;

import io.eventsource.ports.Cancellable;
import io.eventsource.ports.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real-time {@link Scheduler} for real compositions: the system clock, a pool of daemon threads for timed work,
 * and a pool of daemon workers for {@link #execute blocking work} (the handlers of partitioned types' aggregates and
 * the store reads around them), so that heartbeats and retries are never queued behind handlers. Task exceptions are
 * logged and stop nothing; a fixed-rate task that runs late skips the runs it missed rather than bursting. Size the
 * workers for the handlers' work: each busy aggregate of a partition holds one while its handler runs (while it
 * waits for a shared read of the log or the ack store, it holds none; the read itself runs on one). Close it when the
 * composition closes.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemScheduler.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final InstantSource clock;
    /** The workers of a scheduler built without a count. */
    public static final int DEFAULT_WORKERS = 16;

    private final ScheduledThreadPoolExecutor executor;
    private final ThreadPoolExecutor workers;

    /** A scheduler with one timer thread per available processor (at least two) and {@value #DEFAULT_WORKERS} workers. */
    public SystemScheduler() {
        this(Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /** A scheduler with {@code threads} timer threads and {@value #DEFAULT_WORKERS} workers on the system clock. */
    public SystemScheduler(int threads) {
        this(threads, Clock.systemUTC());
    }

    /**
     * A scheduler with {@code threads} timer threads and {@value #DEFAULT_WORKERS} workers reading {@code clock}
     * (tests may pass a fixed or offset clock).
     */
    public SystemScheduler(int threads, InstantSource clock) {
        this(threads, DEFAULT_WORKERS, clock);
    }

    /**
     * A scheduler with {@code threads} timer threads and {@code workers} threads for {@link #execute} (started as
     * work comes, ended after a minute idle), reading {@code clock}.
     *
     * @throws IllegalArgumentException if a count is below 1
     */
    public SystemScheduler(int threads, int workers, InstantSource clock) {
        if (threads < 1) {
            throw new IllegalArgumentException("SystemScheduler needs 1 or more threads, got " + threads);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("SystemScheduler needs 1 or more workers, got " + workers);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        int pool = POOLS.incrementAndGet();
        this.executor = new ScheduledThreadPoolExecutor(threads, daemonThreads("eventsource-scheduler-" + pool + "-"));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.workers = new ThreadPoolExecutor(workers, workers, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                daemonThreads("eventsource-worker-" + pool + "-"));
        this.workers.allowCoreThreadTimeOut(true);
    }

    @Override
    public Instant instant() {
        return clock.instant();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        ScheduledFuture<?> future = executor.schedule(logged(task), nanos(delay), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        Periodic periodic = new Periodic(logged(task), period.toNanos());
        periodic.first(nanos(initialDelay));
        return periodic;
    }

    /**
     * Runs {@code task} on one of the workers.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the scheduler is closed
     */
    @Override
    public void execute(Runnable task) {
        workers.execute(logged(Objects.requireNonNull(task, "task")));
    }

    /** Stops the threads; tasks not yet started do not run. Never throws. */
    @Override
    public void close() {
        executor.shutdownNow();
        workers.shutdownNow();
    }

    private static long nanos(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        return delay.isNegative() ? 0 : delay.toNanos();
    }

    private static Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                LOG.error("scheduled task failed; other tasks go on", e);
            }
        };
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Re-schedules itself after each run from the planned time, skipping missed runs (no catch-up burst). */
    private final class Periodic implements Cancellable {
        private final Runnable task;
        private final long period;
        private long plannedAt;
        private ScheduledFuture<?> next;
        private boolean cancelled;

        Periodic(Runnable task, long period) {
            this.task = task;
            this.period = period;
        }

        synchronized void first(long delay) {
            plannedAt = System.nanoTime() + delay;
            next = executor.schedule(this::run, delay, TimeUnit.NANOSECONDS);
        }

        private void run() {
            synchronized (this) {
                if (cancelled) {
                    return;
                }
            }
            task.run();
            synchronized (this) {
                if (cancelled || executor.isShutdown()) {
                    return;
                }
                long now = System.nanoTime();
                plannedAt += period;
                if (plannedAt < now) {
                    long missed = (now - plannedAt) / period + 1;
                    plannedAt += missed * period;
                }
                next = executor.schedule(this::run, plannedAt - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }
}
