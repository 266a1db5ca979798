package io.eventsource.adapter.inmemory;

import io.eventsource.ports.Cancellable;
import io.eventsource.ports.Scheduler;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Scheduler} on a virtual clock: time stands still until a test or the demo moves it with
 * {@link #advanceBy}, {@link #advanceTo}, {@link #runDueTasks} or {@link #runUntilIdle}, and tasks run on the
 * thread that moves it, one at a time, in the order of their due instants (tasks due at the same instant
 * in the order they were scheduled). Minutes of traffic, expiries and crashes thus run in milliseconds,
 * the same way every time.
 *
 * <p>Any thread may read the clock and schedule or cancel tasks; one thread at a time moves the clock
 * (others wait). A task's exception is logged and collected in {@link #failures()}; the other tasks run on.
 * The clock is not moved from inside a task.
 */
public final class VirtualScheduler implements Scheduler {
    /** Where {@link #VirtualScheduler()} starts the clock: a fixed instant, so runs are reproducible. */
    public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");
    /**
     * How many tasks run at one instant, or in one {@link #runUntilIdle()}, before the scheduler concludes that
     * some task reschedules itself forever (a listener that always fails and requeues, say) and throws rather
     * than hang the test.
     */
    public static final int RUNAWAY_LIMIT = 100_000;

    private static final System.Logger LOG = System.getLogger(VirtualScheduler.class.getName());
    private static final Comparator<Task> DUE_ORDER =
            Comparator.comparing((Task task) -> task.dueAt).thenComparingLong(task -> task.order);

    private final Object lock = new Object();
    private final ReentrantLock mover = new ReentrantLock();
    private final TreeSet<Task> pending = new TreeSet<>(DUE_ORDER);
    private final List<Throwable> failures = new ArrayList<>();
    private Instant now;
    private long nextOrder;

    /** A virtual clock standing at {@link #DEFAULT_START}. */
    public VirtualScheduler() {
        this(DEFAULT_START);
    }

    /** A virtual clock standing at {@code start}. */
    public VirtualScheduler(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    @Override
    public Instant instant() {
        synchronized (lock) {
            return now;
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        requireNotNegative("delay", delay);
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            return enqueue(new Task(now.plus(delay), null, task));
        }
    }

    @Override
    public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        requireNotNegative("initialDelay", initialDelay);
        Objects.requireNonNull(period, "period");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            return enqueue(new Task(now.plus(initialDelay), period, task));
        }
    }

    /**
     * Moves the clock forward by {@code duration}, running every task that falls due on the way at its due
     * instant (the clock reads that instant while it runs), including tasks those tasks schedule.
     *
     * @return how many tasks ran
     */
    public int advanceBy(Duration duration) {
        requireNotNegative("duration", duration);
        return advanceTo(instant().plus(duration));
    }

    /**
     * Moves the clock forward to {@code target} (not back), running due tasks on the way as {@link #advanceBy} does.
     *
     * @return how many tasks ran
     * @throws IllegalArgumentException if {@code target} is before the current instant
     */
    public int advanceTo(Instant target) {
        Objects.requireNonNull(target, "target");
        beginMove();
        try {
            synchronized (lock) {
                if (target.isBefore(now)) {
                    throw new IllegalArgumentException("the virtual clock does not go back: it is at " + now
                            + ", asked for " + target);
                }
            }
            int ran = 0;
            int ranAtThisInstant = 0;
            Instant instant = null;
            Task task;
            while ((task = nextDueBy(target)) != null) {
                Instant runsAt = instant();
                if (runsAt.equals(instant)) {
                    if (++ranAtThisInstant > RUNAWAY_LIMIT) {
                        throw new IllegalStateException(RUNAWAY_LIMIT + " tasks ran at " + instant + " without time"
                                + " moving: a task reschedules itself forever (a listener that always fails?)");
                    }
                } else {
                    instant = runsAt;
                    ranAtThisInstant = 1;
                }
                run(task);
                ran++;
            }
            synchronized (lock) {
                now = target;
            }
            return ran;
        } finally {
            mover.unlock();
        }
    }

    /**
     * Runs the tasks due now (and those they schedule for now), without moving the clock.
     *
     * @return how many tasks ran
     */
    public int runDueTasks() {
        return advanceBy(Duration.ZERO);
    }

    /**
     * Moves the clock from task to task until no task is pending. Not for use with periodic tasks (use
     * {@link #advanceBy} there).
     *
     * @return how many tasks ran
     * @throws IllegalStateException if more than {@link #RUNAWAY_LIMIT} tasks ran (some task reschedules forever)
     */
    public int runUntilIdle() {
        beginMove();
        try {
            int ran = 0;
            Task task;
            while ((task = nextDueBy(Instant.MAX)) != null) {
                if (ran == RUNAWAY_LIMIT) {
                    throw new IllegalStateException("still busy after " + ran + " tasks: a task reschedules itself"
                            + " forever (a periodic task?); move the clock with advanceBy instead");
                }
                run(task);
                ran++;
            }
            return ran;
        } finally {
            mover.unlock();
        }
    }

    /** When the next pending task is due, if any. */
    public Optional<Instant> nextTaskAt() {
        synchronized (lock) {
            return pending.isEmpty() ? Optional.empty() : Optional.of(pending.first().dueAt);
        }
    }

    /** How many tasks are pending (scheduled, not cancelled, not yet run). */
    public int pendingTasks() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /** The exceptions tasks threw so far, oldest first. */
    public List<Throwable> failures() {
        synchronized (lock) {
            return List.copyOf(failures);
        }
    }

    /** Forgets the collected {@link #failures()}. */
    public void clearFailures() {
        synchronized (lock) {
            failures.clear();
        }
    }

    private Cancellable enqueue(Task task) {
        task.order = nextOrder++;
        pending.add(task);
        return task;
    }

    private void beginMove() {
        if (mover.isHeldByCurrentThread()) {
            throw new IllegalStateException("the virtual clock cannot be moved from inside a task");
        }
        mover.lock();
    }

    private Task nextDueBy(Instant target) {
        synchronized (lock) {
            if (pending.isEmpty() || pending.first().dueAt.isAfter(target)) {
                return null;
            }
            Task task = pending.pollFirst();
            if (task.dueAt.isAfter(now)) {
                now = task.dueAt;
            }
            task.running = true;
            return task;
        }
    }

    private void run(Task task) {
        try {
            task.action.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "scheduled task failed at " + instant() + "; the other tasks run on", e);
            synchronized (lock) {
                failures.add(e);
            }
        } finally {
            synchronized (lock) {
                task.running = false;
                if (task.period != null && !task.cancelled) {
                    // a periodic task runs again one period after it was due, never in a catch-up burst
                    Instant next = task.dueAt.plus(task.period);
                    task.dueAt = next.isBefore(now) ? now : next;
                    enqueue(task);
                }
            }
        }
    }

    private static void requireNotNegative(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + duration);
        }
    }

    private final class Task implements Cancellable {
        private final Duration period;
        private final Runnable action;
        private Instant dueAt;
        private long order;
        private boolean cancelled;
        private boolean running;

        private Task(Instant dueAt, Duration period, Runnable action) {
            this.dueAt = dueAt;
            this.period = period;
            this.action = action;
        }

        @Override
        public void cancel() {
            synchronized (lock) {
                cancelled = true;
                if (!running) {
                    pending.remove(this);
                }
            }
        }
    }
}
