package io.eventsource.benchmarks;

import io.eventsource.core.Eventsource;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/** One runtime, as one process of a deployment: its own broker connection, Redis pool and database pool. */
final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final String name;
    private final BenchComposition composition;
    private final AtomicBoolean closed = new AtomicBoolean();

    Node(String name, BenchComposition composition) {
        this.name = name;
        this.composition = composition;
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
        composition.eventsource().close();
        quietly(composition.messageBus());
        quietly(composition.serviceRegistry());
        quietly(composition.ackStore());
        quietly(composition.eventLog());
        composition.scheduler().close();
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
