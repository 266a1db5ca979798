package io.eventsource.benchmarks;

import io.eventsource.core.Eventsource;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** One runtime, as one process of a deployment: its own broker connection, Redis pool and database pool. */
final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** The nodes of this JVM not closed yet, for a run stopped before its end. */
    private static final Set<Node> OPEN = ConcurrentHashMap.newKeySet();

    private final String name;
    private final BenchComposition composition;
    private final AtomicBoolean closed = new AtomicBoolean();

    Node(String name, BenchComposition composition) {
        this.name = name;
        this.composition = composition;
        OPEN.add(this);
        // the adapters connect lazily: connect now, so that a missing service fails before anything is measured
        composition.eventsource();
    }

    Eventsource eventsource() {
        return composition.eventsource();
    }

    AckStore ackStore() {
        return composition.ackStore();
    }

    ServiceRegistry registry() {
        return composition.serviceRegistry();
    }

    /** Stops the runtime (work in progress finishes), then closes the ports and the scheduler. Never throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        OPEN.remove(this);
        composition.eventsource().close();
        quietly(composition.messageBus());
        quietly(composition.serviceRegistry());
        quietly(composition.ackStore());
        quietly(composition.eventLog());
        composition.scheduler().close();
    }

    /** Closes every node of this JVM still open: a run stopped by a signal, before its cleanup. */
    static void closeAll() {
        for (Node node : List.copyOf(OPEN)) {
            node.close();
        }
    }

    private void quietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("{}: closing {} failed", name, closeable, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
