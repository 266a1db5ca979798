package io.eventsource.examples;

import io.eventsource.core.Eventsource;
import io.eventsource.core.ReplayEngine;
import io.eventsource.domain.Namespace;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** One runtime on {@link RealServicesComposition}: time is real, so waiting is polling with a deadline. */
final class RealStack implements DemoStack {
    private static final Logger LOG = LoggerFactory.getLogger(RealStack.class);
    private static final long POLL_MILLIS = 100;

    private final RealSettings settings;
    private final RealServicesComposition composition;
    private final Instant startedAt = Instant.now();
    private final AtomicBoolean closed = new AtomicBoolean();

    static {
        // Hibernate logs through JBoss Logging, which falls back to java.util.logging unless told otherwise: send it
        // to SLF4J like everything else, so that one configuration (simplelogger.properties) decides
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
    }

    private RealStack(RealSettings settings) {
        this.settings = settings;
        this.composition = settings.compose();
        // the adapters connect lazily: connect now, so that a missing service fails here and not mid-run
        composition.eventsource();
    }

    /** A runtime with these settings. */
    static RealStack open(RealSettings settings) {
        return new RealStack(settings);
    }

    /**
     * A runtime under a namespace made for this run, {@code {base}_{label}_{8 hex}.} (the base being the settings'
     * namespace, from {@code EVENTSOURCE_NAMESPACE}), so that it meets no other run's queues, keys or rows.
     */
    static RealStack fresh(RealSettings settings, String label) {
        return new RealStack(settings.withNamespace(freshNamespace(settings.namespace(), label)));
    }

    /**
     * {@code {base}_{label}_{8 hex}.}, or {@code {label}_{8 hex}.} without a base: a namespace no earlier run used.
     * A namespace holds one '.', at its end, so the base's becomes a '_'.
     *
     * @throws io.eventsource.domain.InvalidValueException if the label is not {@code [a-z0-9_]}, or the result is over
     *         {@value Namespace#MAX_NAME_LENGTH} characters (shorten {@code EVENTSOURCE_NAMESPACE})
     */
    static Namespace freshNamespace(Namespace base, String label) {
        String name = base.prefix().isEmpty() ? label : base.prefix().replace('.', '_') + label;
        return Namespace.of(name + "_" + UUID.randomUUID().toString().substring(0, 8) + ".");
    }

    @Override
    public String name() {
        return "real";
    }

    RealSettings settings() {
        return settings;
    }

    Namespace namespace() {
        return settings.namespace();
    }

    @Override
    public Eventsource eventsource() {
        return composition.eventsource();
    }

    @Override
    public EventLog eventLog() {
        return composition.eventLog();
    }

    @Override
    public AckStore ackStore() {
        return composition.ackStore();
    }

    CheckpointStore checkpoints() {
        return composition.checkpoints();
    }

    /** A replay engine on this runtime's ports, as an admin process drives it; leases run {@code leaseTtl}. */
    ReplayEngine replays(Duration leaseTtl) {
        return new ReplayEngine(eventLog(), ackStore(), messageBus(), registry(), checkpoints(),
                composition.scheduler(), leaseTtl);
    }

    ServiceRegistry registry() {
        return composition.serviceRegistry();
    }

    MessageBus messageBus() {
        return composition.messageBus();
    }

    /** Polls {@code settled} every 100 ms until it holds or {@code limit} has passed; a failing poll counts as not yet. */
    @Override
    public boolean awaitUntil(BooleanSupplier settled, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (settled.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException e) {
                LOG.debug("not settled: {}", e.toString());
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    @Override
    public Instant now() {
        return composition.scheduler().instant();
    }

    @Override
    public Duration elapsed() {
        return Duration.between(startedAt, Instant.now());
    }

    /** Stops the runtime (work in progress finishes), closes the ports, then the scheduler. Idempotent; never throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        composition.eventsource().close();
        quietly("the message bus", composition.messageBus());
        quietly("the service registry", composition.serviceRegistry());
        quietly("the ack store", composition.ackStore());
        quietly("the event log", composition.eventLog());
        composition.scheduler().close();
    }

    private static void quietly(String what, AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed", what, e);
        }
    }
}
