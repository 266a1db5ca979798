package io.eventsource.core;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * An executor that runs a task on the calling thread when the executor it wraps takes no more work (the runtime is
 * closing), so that work handed on is never lost: a lane's next task, a gathering's batch, a shared read, a delivery
 * after its reads.
 */
final class RunsAnyway implements Executor {
    private final Executor executor;

    private RunsAnyway(Executor executor) {
        this.executor = executor;
    }

    static Executor of(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return executor instanceof RunsAnyway ? executor : new RunsAnyway(executor);
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RuntimeException refused) {
            task.run();
        }
    }
}
