package io.eventsource.core;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.TopologyMismatchException;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The runtime's topology of each aggregate type, agreed with the rest of the namespace: the first use of a type reads
 * (or records) the namespace's choice in the registry, compares it with this runtime's {@link EventsourceOptions}, and
 * tells the bus ({@link MessageBus#useTopology}). A runtime configured otherwise than the namespace refuses the type
 * with a {@link TopologyMismatchException}. While the registry cannot be reached, the runtime goes on with its own
 * choice, tells the bus, and asks again after {@code recheck}: an outage must not stop publishing.
 *
 * <p>The relay, which sends whatever the log holds, follows the namespace's record instead of refusing (it has no
 * choice of its own to defend: a type it was not configured for is still the namespace's).
 */
final class Topologies {
    private static final Logger LOG = LoggerFactory.getLogger(Topologies.class);

    private final ServiceRegistry registry;
    private final MessageBus bus;
    private final EventsourceOptions options;
    private final Scheduler scheduler;
    private final Duration recheck;
    private final ConcurrentMap<AggregateType, Agreed> agreed = new ConcurrentHashMap<>();

    /** @param recheck how long a choice that the registry could not confirm is used before asking again */
    Topologies(ServiceRegistry registry, MessageBus bus, EventsourceOptions options, Scheduler scheduler,
               Duration recheck) {
        this.registry = registry;
        this.bus = bus;
        this.options = options;
        this.scheduler = scheduler;
        this.recheck = recheck;
    }

    /**
     * The type's topology in this runtime, once agreed with the namespace (one registry read the first time).
     *
     * @throws TopologyMismatchException if the namespace recorded another topology for the type
     */
    AggregateTopology agree(AggregateType type) {
        Objects.requireNonNull(type, "type");
        AggregateTopology configured = options.topologyOf(type);
        Agreed known = agreed.get(type);
        Instant now = scheduler.instant();
        if (known != null && known.settles(now)) {
            return known.check(type, configured);
        }
        AggregateTopology recorded;
        try {
            recorded = registry.agreeTopology(type, configured);
        } catch (PortException e) {
            if (known == null) {
                LOG.warn("could not check the topology of {} with the registry; using this runtime's {} and asking again"
                        + " in {}: {}", type, configured.describe(), recheck, e.toString());
            }
            use(type, configured);
            agreed.put(type, new Agreed(configured, now.plus(recheck)));
            return configured;
        }
        Agreed answer = new Agreed(recorded, null);
        agreed.put(type, answer);
        AggregateTopology topology = answer.check(type, configured);
        use(type, topology);
        return topology;
    }

    /**
     * The type's topology as the namespace recorded it, for the relay: this runtime's own choice where the namespace
     * has none (it is recorded then), the namespace's where they differ (with one warning), this runtime's while the
     * registry cannot be reached.
     */
    AggregateTopology forRelay(AggregateType type) {
        try {
            return agree(type);
        } catch (TopologyMismatchException e) {
            Agreed known = agreed.get(type);
            if (known != null && known.warnOnce()) {
                LOG.warn("the relay sends events of {} as the namespace's {}: {}", type,
                        e.recorded().describe(), e.getMessage());
            }
            use(type, e.recorded());
            return e.recorded();
        }
    }

    private void use(AggregateType type, AggregateTopology topology) {
        try {
            bus.useTopology(type, topology);
        } catch (IllegalStateException e) {
            // the bus was told otherwise before (the registry was out, or another runtime shares this bus)
            LOG.debug("the bus keeps its earlier topology of {}: {}", type, e.getMessage());
        }
    }

    /** What the namespace recorded; {@code until} is set while it is only this runtime's unconfirmed choice. */
    private static final class Agreed {
        private final AggregateTopology recorded;
        private final Instant until;
        private volatile boolean warned;

        Agreed(AggregateTopology recorded, Instant until) {
            this.recorded = recorded;
            this.until = until;
        }

        boolean settles(Instant now) {
            return until == null || now.isBefore(until);
        }

        AggregateTopology check(AggregateType type, AggregateTopology configured) {
            if (!recorded.equals(configured)) {
                throw new TopologyMismatchException(type, recorded, configured);
            }
            return recorded;
        }

        boolean warnOnce() {
            boolean first = !warned;
            warned = true;
            return first;
        }
    }
}
