package io.eventsource.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one at a time, in submission order: a task starts only when the previous one's stage
 * has completed. Where a task runs depends on how the lane was made. {@link #SerialLane(String)}: on the thread that
 * submitted it when the lane was idle, or on the thread that completed the previous task's stage.
 * {@link #resumingOn}: on the submitting thread when the lane was idle, and after a stage that completed later, on
 * the executor given, never on the thread that completed it (a timer, the ack store's one completion thread), which
 * serves other lanes too. {@link #SerialLane(String, Executor)}: every task on the executor, so that the submitter and
 * whoever completes a stage go on at once. No thread of its own, and no thread ever blocks waiting. A task that
 * throws or fails is logged and the lane goes on. This is what keeps one aggregate's events strictly serial
 * while the bus threads, retry timers and store completions that drive them vary.
 */
final class SerialLane {
    private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);

    private final String name;
    /** Where a lane that was idle starts its next task. */
    private final Executor start;
    /** Where the lane goes on after a task whose stage completed later than the task returned. */
    private final Executor resume;
    /** The executor the lane was given, or null: its tasks run on the threads that submit them or complete stages. */
    private final Executor executor;
    private final Queue<Supplier<? extends CompletionStage<?>>> tasks = new ArrayDeque<>();
    private boolean running;
    private CompletableFuture<Void> idle;

    SerialLane(String name) {
        this(name, Runnable::run, Runnable::run, null);
    }

    /** A lane whose first task after it was idle starts on {@code start} rather than on the submitting thread. */
    SerialLane(String name, Executor start) {
        this(name, RunsAnyway.of(start), RunsAnyway.of(start), start);
    }

    private SerialLane(String name, Executor start, Executor resume, Executor executor) {
        this.name = name;
        this.start = start;
        this.resume = resume;
        this.executor = executor;
    }

    /**
     * A lane that runs a task on the thread that submits it while the lane is idle, and goes on on {@code resumeOn}
     * after a task whose stage completed later: an aggregate queue's consumer, whose deliveries come on the bus's
     * threads one at a time, and whose next delivery after an ack, a retry's backoff or a hand-over must not run on
     * the thread that completed it. {@code resumeOn} is also its {@link #executor()}: a task that waits for a read
     * goes on there.
     */
    static SerialLane resumingOn(String name, Executor resumeOn) {
        return new SerialLane(name, Runnable::run, RunsAnyway.of(resumeOn), resumeOn);
    }

    /**
     * The executor this lane runs or resumes its tasks on, for a task that waits for something without a thread and
     * goes on there; null for a lane made without one, which runs its tasks on the threads that submit them or
     * complete their stages.
     */
    Executor executor() {
        return executor;
    }

    void submit(Supplier<? extends CompletionStage<?>> task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        start.execute(this::drain);
    }

    /**
     * Submits a task that does not block: it only starts waiting for something (a timer, another lane) and returns
     * the stage that completes when the wait is over. On an idle lane it runs at once on the submitting thread, so the
     * wait starts without a hand-over to the executor; queued behind other tasks, it runs as any task does.
     */
    void submitNonBlocking(Supplier<? extends CompletionStage<?>> task) {
        synchronized (this) {
            if (running) {
                tasks.add(task);
                return;
            }
            running = true;
        }
        CompletableFuture<?> stage = stageOf(task);
        resumeWhenDone(stage == null ? CompletableFuture.completedFuture(null) : stage);
    }

    /** Completes once no task is running or queued. */
    synchronized CompletableFuture<Void> whenIdle() {
        if (!running) {
            return CompletableFuture.completedFuture(null);
        }
        if (idle == null) {
            idle = new CompletableFuture<>();
        }
        return idle;
    }

    private void drain() {
        while (true) {
            Supplier<? extends CompletionStage<?>> next;
            CompletableFuture<Void> becameIdle = null;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    becameIdle = idle;
                    idle = null;
                }
            }
            if (next == null) {
                if (becameIdle != null) {
                    becameIdle.complete(null);
                }
                return;
            }
            CompletableFuture<?> stage = stageOf(next);
            if (stage == null) {
                continue;
            }
            if (!stage.isDone()) {
                resumeWhenDone(stage);
                return;
            }
            if (stage.isCompletedExceptionally()) {
                stage.whenComplete((result, error) -> logFailure(error));
            }
        }
    }

    /** Starts a task; null if it threw (logged: the lane goes on). */
    private CompletableFuture<?> stageOf(Supplier<? extends CompletionStage<?>> task) {
        try {
            return task.get().toCompletableFuture();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            LOG.error("task in lane {} failed; the lane goes on", name, e);
            return null;
        }
    }

    private void resumeWhenDone(CompletableFuture<?> stage) {
        stage.whenComplete((result, error) -> {
            logFailure(error);
            resume();
        });
    }

    /**
     * Goes on after a task's stage completed: on the lane's executor or the one it resumes on, so that the thread that
     * completed the stage (a timer, the ack store's completions) is not the one that runs the lane's next tasks. A lane
     * that has no next task and nobody waiting for it to be idle becomes idle here instead: handing it over only for
     * it to find nothing would wake a thread per task (most aggregates have one event at a time).
     */
    private void resume() {
        synchronized (this) {
            if (tasks.isEmpty() && idle == null) {
                running = false;
                return;
            }
        }
        resume.execute(this::drain);
    }

    private void logFailure(Throwable error) {
        if (error != null) {
            LOG.error("task in lane {} failed; the lane goes on", name, error);
        }
    }
}
