package io.eventsource.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Work handed in from many threads and done off their path, in batches: one batch runs at a time, on the executor, and
 * whatever is handed in meanwhile goes into the next one, so that each batch costs one round trip whatever its size.
 * An entry whose key waits, or whose batch runs, is not taken again. If the executor refuses (the runtime is
 * closing), the batch runs on the thread that handed it in.
 *
 * @param <K> what identifies an entry
 * @param <V> the entry
 */
final class Gathering<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(Gathering.class);

    private final Executor executor;
    /** Does one batch; what fails is left to whatever backs it up (the relay, the publish path). */
    private final Consumer<Map<K, V>> work;
    private final Map<K, V> waiting = new LinkedHashMap<>();
    private final Set<K> running = new HashSet<>();
    private boolean draining;
    private CompletableFuture<Void> drained;

    Gathering(Executor executor, Consumer<Map<K, V>> work) {
        this.executor = RunsAnyway.of(executor);
        this.work = work;
    }

    /** Hands in an entry; false if its key already waits or runs. */
    boolean add(K key, V value) {
        return addAll(Map.of(key, value)) > 0;
    }

    /** Hands in entries, in their order; returns how many were taken (those whose key neither waits nor runs). */
    int addAll(Map<K, V> entries) {
        int taken = 0;
        boolean start;
        synchronized (this) {
            for (Map.Entry<K, V> entry : entries.entrySet()) {
                K key = entry.getKey();
                if (!running.contains(key) && waiting.putIfAbsent(key, entry.getValue()) == null) {
                    taken++;
                }
            }
            start = taken > 0 && !draining;
            draining |= start;
        }
        if (start) {
            executor.execute(this::drain);
        }
        return taken;
    }

    /** Completes once every entry handed in so far has been worked on (at once if none waits or runs). */
    synchronized CompletableFuture<Void> whenDone() {
        if (!draining) {
            return CompletableFuture.completedFuture(null);
        }
        if (drained == null) {
            drained = new CompletableFuture<>();
        }
        return drained;
    }

    private void drain() {
        while (true) {
            Map<K, V> batch;
            CompletableFuture<Void> done = null;
            synchronized (this) {
                running.clear();
                batch = new LinkedHashMap<>(waiting);
                waiting.clear();
                running.addAll(batch.keySet());
                if (batch.isEmpty()) {
                    draining = false;
                    done = drained;
                    drained = null;
                }
            }
            if (batch.isEmpty()) {
                if (done != null) {
                    done.complete(null);
                }
                return;
            }
            try {
                work.accept(batch);
            } catch (RuntimeException e) {
                // never leave the gathering draining with nobody to drain it
                LOG.warn("background work on {} entries failed; what backs it up takes them", batch.size(), e);
            }
        }
    }
}
