package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.ExchangeName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.tck.ForwardingMessageBus;
import io.eventsource.tck.MessageBusContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The message bus contract against the real broker, in real time with short expiries. Each test has its own
 * namespace; what the broker does not expire by itself (announcement objects, exchanges that never had a queue) is
 * deleted after it.
 */
class RabbitMqMessageBusIT extends MessageBusContract {
    /**
     * 2 s idle, 4 s expiry: a standby consumer of a single-active-consumer queue receives nothing, so it must outlive
     * the contract's hand-over steps on a loaded two-core machine before the idle timeout cancels it.
     */
    private static final ExpiryPolicy EXPIRY = new ExpiryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(4),
            Duration.ofSeconds(1), Duration.ofSeconds(4));
    private Broker broker;

    @BeforeEach
    void openBroker() throws Exception {
        broker = new Broker();
    }

    @AfterEach
    void closeBroker() throws Exception {
        broker.close();
    }

    @Override
    protected ExpiryPolicy expiryPolicy() {
        return EXPIRY;
    }

    @Override
    protected Namespace namespace() {
        return broker.namespace;
    }

    @Override
    protected MessageBus connect() {
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        return new Tracked(broker.bus(EXPIRY, sockets), sockets);
    }

    @Override
    protected boolean queueExists(QueueName name) {
        return broker.queueExists(name.value());
    }

    @Override
    protected boolean exchangeExists(ExchangeName name) {
        return broker.exchangeExists(name.value());
    }

    /** Cuts the bus's socket: to the broker, the instance died (its client then reconnects, as after a network cut). */
    @Override
    protected void crash(MessageBus connection) {
        List<Socket> sockets = ((Tracked) connection).sockets;
        try {
            sockets.get(sockets.size() - 1).close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker's expiry and our idle timers are punctual to some milliseconds; this absorbs a loaded machine. */
    @Override
    protected Duration margin() {
        return Duration.ofMillis(400);
    }

    @Override
    protected Optional<Duration> declaredExpiry(QueueName name) {
        try {
            return broker.partitionQueueExpiry(name.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Remembers what needs deleting after the test. */
    private final class Tracked extends ForwardingMessageBus {
        private final List<Socket> sockets;
        private final Topology topology = Topology.of(broker.namespace);
        private final Map<AggregateType, AggregateTopology.Partitioned> partitioned = new ConcurrentHashMap<>();

        Tracked(MessageBus bus, List<Socket> sockets) {
            super(bus);
            this.sockets = sockets;
        }

        @Override
        public void declareAnnouncements(AggregateType type, ServiceName service) {
            broker.deleteAfterwards(topology.announcementQueue(type, service).value(),
                    topology.announcementExchange(type).value());
            super.declareAnnouncements(type, service);
        }

        @Override
        public void useTopology(AggregateType type, AggregateTopology topology) {
            super.useTopology(type, topology);
            if (topology instanceof AggregateTopology.Partitioned partitions) {
                partitioned.put(type, partitions);
            }
        }

        /** The type's durable exchange and partition queues (they would expire only a minute after the test). */
        @Override
        public void declarePartitions(AggregateType type, ServiceName service) {
            AggregateTopology.Partitioned partitions = partitioned.get(type);
            if (partitions != null) {
                for (int partition = 0; partition < partitions.partitions(); partition++) {
                    broker.deleteAfterwards(topology.partitionQueue(type, partition, service).value(),
                            topology.partitionExchange(type).value());
                }
            }
            super.declarePartitions(type, service);
        }

        @Override
        public Map<AggregateRef, RouteCollisionException> declareRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
            routes.forEach(this::deletePartitionsAfterwards);
            return super.declareRoutes(routes);
        }

        private void deletePartitionsAfterwards(AggregateRef aggregate, Set<ServiceName> services) {
            AggregateTopology.Partitioned partitions = partitioned.get(aggregate.type());
            if (partitions == null) {
                return;
            }
            broker.deleteExchangeAfterwards(topology.partitionExchange(aggregate.type()).value());
            for (ServiceName service : services) {
                int partition = partitions.partitionOf(aggregate.id());
                broker.deleteAfterwards(topology.partitionQueue(aggregate.type(), partition, service).value(),
                        topology.partitionExchange(aggregate.type()).value());
            }
        }

        /** Handed on (a forwarding bus keeps the port's default): the contract checks the bus's one-wait batch. */
        @Override
        public Map<AggregateRef, PublishResult> publishAndAnnounce(Map<AggregateRef, List<Event>> events,
                                                                   Collection<AggregateRef> announce) {
            return delegate().publishAndAnnounce(events, announce);
        }

        @Override
        public void declareRoute(AggregateRef aggregate, Set<ServiceName> services) {
            deletePartitionsAfterwards(aggregate, services);
            if (services.isEmpty()) {
                broker.deleteExchangeAfterwards(topology.aggregateExchange(aggregate).value());
            }
            super.declareRoute(aggregate, services);
        }
    }
}
