package io.eventsource.adapter.rabbitmq;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. Each subscription owns one, for its listener calls
 * (one delivery at a time, in queue order) and its ending (after them). A task's exception is logged and does not
 * stop later tasks.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean draining;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        drainOnPool();
    }

    /**
     * Runs {@code task} on the calling thread if nothing of this executor runs or waits, else queues it as
     * {@link #execute} does. Tasks handed in while it runs wait for it, and then run on the pool, never on the calling
     * thread: that thread is only lent for this one task.
     */
    void runHereIfIdle(Runnable task) {
        synchronized (tasks) {
            if (draining) {
                tasks.add(task);
                return;
            }
            draining = true;
        }
        run(task);
        synchronized (tasks) {
            if (tasks.isEmpty()) {
                draining = false;
                return;
            }
        }
        drainOnPool();
    }

    /** Drains on the pool; if the pool is closing, what waits is dropped (the bus is closing too). */
    private void drainOnPool() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException closing) {
            synchronized (tasks) {
                tasks.clear();
                draining = false;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            run(next);
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("A task of the RabbitMQ message bus failed; the next ones still run", e);
        }
    }
}
