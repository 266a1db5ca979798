package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.AnnouncementListener;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.Subscription;
import io.eventsource.ports.TransientPortException;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One connection to an {@link InMemoryBroker}: the message bus of one service instance. Like the RabbitMQ adapter, it
 * remembers the partition queues it declared for a third of their expiry, so that declaring a partitioned type's
 * routes again and again costs nothing; a publish that finds no queue forgets them.
 */
final class InMemoryMessageBus implements MessageBus {
    private static final System.Logger LOG = System.getLogger(InMemoryMessageBus.class.getName());
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    private final InMemoryBroker broker;
    private final Topology topology;
    private final Set<InMemoryBroker.BrokerConsumer> subscriptions = new LinkedHashSet<>();
    // all guarded by the broker's lock
    private final Map<AggregateType, AggregateTopology> topologies = new HashMap<>();
    private final Map<PartitionQueue, Instant> declaredPartitions = new HashMap<>();
    private boolean closed;
    private boolean crashed;

    InMemoryMessageBus(InMemoryBroker broker, Namespace namespace) {
        this.broker = broker;
        this.topology = Topology.of(namespace);
    }

    @Override
    public void useTopology(AggregateType type, AggregateTopology topology) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(topology, "topology");
        synchronized (broker.lock()) {
            AggregateTopology used = topologies.putIfAbsent(type, topology);
            if (used != null && !used.equals(topology)) {
                throw new IllegalStateException(type + " already is " + used.describe() + " on this bus; it cannot"
                        + " become " + topology.describe());
            }
        }
    }

    @Override
    public void declarePartitions(AggregateType type, ServiceName service) {
        Objects.requireNonNull(service, "service");
        synchronized (broker.lock()) {
            checkUsable();
            AggregateTopology.Partitioned partitioned = partitionedOrRefuse(type, "declarePartitions");
            var exchange = broker.declareDirectExchange(topology.partitionExchange(type).value());
            for (int partition = 0; partition < partitioned.partitions(); partition++) {
                declarePartition(exchange, partitioned, new PartitionQueue(type, partition, service), null);
            }
        }
    }

    @Override
    public Subscription subscribePartition(AggregateType type, int partition, ServiceName service, String instance,
                                           DeliveryListener listener) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(listener, "listener");
        String tag = partitionConsumerTag(instance, partition);
        synchronized (broker.lock()) {
            checkUsable();
            AggregateTopology.Partitioned partitioned = partitionedOrRefuse(type, "subscribePartition");
            if (partition < 0 || partition >= partitioned.partitions()) {
                throw new InvalidValueException(type + " has partitions 0-" + (partitioned.partitions() - 1)
                        + ", got " + partition);
            }
            String queue = topology.partitionQueue(type, partition, service).value();
            return broker.consume(this, queue, tag, false, delivery -> {
                Event event = (Event) delivery.body();
                if (!event.aggregate().type().equals(type)) {
                    // the RabbitMQ adapter rejects it as malformed: it can never be handled here
                    LOG.log(Level.WARNING, "rejected " + event + " on " + queue + ", the partition queue of " + type);
                    delivery.ack();
                    return;
                }
                deliver(queue, delivery, listener);
            }, listener::onEnded);
        }
    }

    /** {@code {instance}-p{k}}: unique per channel, which is all AMQP asks, and names the instance to an operator. */
    static String partitionConsumerTag(String instance, int partition) {
        Objects.requireNonNull(instance, "instance");
        if (!INSTANCE.matcher(instance).matches()) {
            throw new InvalidValueException("an instance name must be 1-100 characters of [A-Za-z0-9_.:-], got \""
                    + (instance.length() > 100 ? instance.substring(0, 100) + "..." : instance) + "\"");
        }
        return instance + "-p" + partition;
    }

    @Override
    public void declareAnnouncements(AggregateType type, ServiceName service) {
        String exchange = topology.announcementExchange(type).value();
        String queue = topology.announcementQueue(type, service).value();
        synchronized (broker.lock()) {
            checkUsable();
            broker.bind(broker.declareAnnouncementQueue(queue), broker.declareExchange(exchange, false));
        }
    }

    @Override
    public void declareRoute(AggregateRef aggregate, Set<ServiceName> services) {
        Optional<AggregateTopology.Partitioned> partitioned = partitioned(aggregate.type());
        if (partitioned.isPresent()) {
            declarePartitionRoute(aggregate, services, partitioned.get());
            return;
        }
        String exchange = topology.aggregateExchange(aggregate).value();
        List<ServiceName> serviceList = List.copyOf(services);
        List<String> queues = serviceList.stream().map(service -> topology.aggregateQueue(aggregate, service).value())
                .toList();
        synchronized (broker.lock()) {
            checkUsable();
            InMemoryBroker.Queue[] declared = new InMemoryBroker.Queue[queues.size()];
            for (int i = 0; i < declared.length; i++) {
                declared[i] = broker.declareAggregateQueue(queues.get(i), aggregate, serviceList.get(i));
            }
            var target = broker.declareExchange(exchange, true);
            for (InMemoryBroker.Queue queue : declared) {
                broker.bind(queue, target);
            }
        }
    }

    /** As RabbitMQ's passive declarations: a queue that exists, whoever's it is, starts its unused period again. */
    @Override
    public Set<AggregateRef> renewRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
        Objects.requireNonNull(routes, "routes");
        Set<AggregateRef> notRenewed = new LinkedHashSet<>();
        synchronized (broker.lock()) {
            checkUsable();
            routes.forEach((aggregate, services) -> {
                if (partitioned(aggregate.type()).isPresent()) {
                    notRenewed.add(aggregate);
                    return;
                }
                for (ServiceName service : services) {
                    if (!broker.renewQueue(topology.aggregateQueue(aggregate, service).value())) {
                        // RabbitMQ's 404 ends the renewal of this route there
                        notRenewed.add(aggregate);
                        return;
                    }
                }
            });
        }
        return notRenewed;
    }

    /** The partition queue of each service that the aggregate hashes onto, each declared unless remembered. */
    private void declarePartitionRoute(AggregateRef aggregate, Set<ServiceName> services,
                                       AggregateTopology.Partitioned partitioned) {
        int partition = partitioned.partitionOf(aggregate.id());
        synchronized (broker.lock()) {
            checkUsable();
            Instant now = broker.scheduler().instant();
            InMemoryBroker.Exchange exchange = null;
            for (ServiceName service : services) {
                PartitionQueue queue = new PartitionQueue(aggregate.type(), partition, service);
                Instant until = declaredPartitions.get(queue);
                if (until != null && now.isBefore(until)) {
                    continue;
                }
                if (exchange == null) {
                    exchange = broker.declareDirectExchange(topology.partitionExchange(aggregate.type()).value());
                }
                declarePartition(exchange, partitioned, queue, aggregate);
            }
            if (exchange == null && services.isEmpty()) {
                broker.declareDirectExchange(topology.partitionExchange(aggregate.type()).value());
            }
        }
    }

    private void declarePartition(InMemoryBroker.Exchange exchange, AggregateTopology.Partitioned partitioned,
                                  PartitionQueue queue, AggregateRef aggregate) {
        String name = topology.partitionQueue(queue.type(), queue.partition(), queue.service()).value();
        broker.bind(broker.declarePartitionQueue(name, queue.type(), queue.partition(), queue.service(),
                partitioned.queueExpiry(), aggregate), exchange, Integer.toString(queue.partition()));
        // a third of the expiry, as the core caches aggregate routes: the queue outlives what we remember of it
        declaredPartitions.put(queue, broker.scheduler().instant().plus(partitioned.queueExpiry().dividedBy(3)));
    }

    @Override
    public PublishResult publish(AggregateRef aggregate, List<Event> events) {
        for (Event event : events) {
            if (!event.aggregate().equals(aggregate)) {
                throw new IllegalArgumentException("cannot publish " + event + " as an event of " + aggregate);
            }
        }
        synchronized (broker.lock()) {
            checkUsable();
            Optional<AggregateTopology.Partitioned> partitioned = partitioned(aggregate.type());
            if (partitioned.isEmpty()) {
                return broker.publish(topology.aggregateExchange(aggregate).value(), List.copyOf(events));
            }
            int partition = partitioned.get().partitionOf(aggregate.id());
            PublishResult result = broker.publish(topology.partitionExchange(aggregate.type()).value(),
                    Integer.toString(partition), List.copyOf(events));
            if (!result.isRouted()) {
                // the queues went (deleted, or expired behind our back): declare them again on the next route
                declaredPartitions.keySet().removeIf(queue -> queue.type().equals(aggregate.type())
                        && queue.partition() == partition);
            }
            return result;
        }
    }

    /** Nothing for a partitioned type: its services consume their partitions, whatever aggregates have news. */
    @Override
    public PublishResult announce(AggregateRef aggregate) {
        String exchange = topology.announcementExchange(aggregate.type()).value();
        synchronized (broker.lock()) {
            checkUsable();
            if (partitioned(aggregate.type()).isPresent()) {
                return new PublishResult.Routed();
            }
            return broker.publish(exchange, List.of(aggregate));
        }
    }

    @Override
    public Subscription subscribeAnnouncements(AggregateType type, ServiceName service, AnnouncementListener listener) {
        Objects.requireNonNull(listener, "listener");
        String queue = topology.announcementQueue(type, service).value();
        synchronized (broker.lock()) {
            checkUsable();
            return broker.consume(this, queue, false, delivery -> {
                try {
                    listener.onAnnouncement((AggregateRef) delivery.body());
                } catch (RuntimeException e) {
                    // announcements are hints and the log is the source of truth: settle it anyway
                    LOG.log(Level.WARNING, "announcement listener of " + queue + " failed; the subscription goes on", e);
                } finally {
                    delivery.ack();
                }
            }, null);
        }
    }

    @Override
    public Subscription subscribeAggregate(AggregateRef aggregate, ServiceName service, DeliveryListener listener) {
        Objects.requireNonNull(listener, "listener");
        String queue = topology.aggregateQueue(aggregate, service).value();
        synchronized (broker.lock()) {
            checkUsable();
            if (partitioned(aggregate.type()).isPresent()) {
                throw new IllegalStateException(aggregate.type() + " is " + topologies.get(aggregate.type())
                        + " on this bus: its aggregates have no queues of their own; consume its partitions with"
                        + " subscribePartition");
            }
            return broker.consume(this, queue, true, delivery -> deliver(queue, delivery, listener),
                    listener::onEnded);
        }
    }

    private static void deliver(String queue, InMemoryBroker.BrokerDelivery delivery, DeliveryListener listener) {
        BusDelivery wrapped = new BusDelivery(delivery);
        try {
            listener.onDelivery(wrapped);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delivery listener of " + queue + " failed on " + wrapped.event()
                    + "; requeued, the subscription goes on", e);
            delivery.requeue();
        }
    }

    private Optional<AggregateTopology.Partitioned> partitioned(AggregateType type) {
        synchronized (broker.lock()) {
            AggregateTopology used = topologies.get(type);
            return used instanceof AggregateTopology.Partitioned partitioned ? Optional.of(partitioned)
                    : Optional.empty();
        }
    }

    private AggregateTopology.Partitioned partitionedOrRefuse(AggregateType type, String operation) {
        Objects.requireNonNull(type, "type");
        return partitioned(type).orElseThrow(() -> new IllegalStateException(operation + " is for partitioned types,"
                + " and " + type + " is " + topologies.getOrDefault(type, AggregateTopology.perAggregate())
                + " on this bus: call useTopology first"));
    }

    /** Open, not crashed, and the simulated broker is reachable. */
    @Override
    public boolean isConnected() {
        synchronized (broker.lock()) {
            if (closed || crashed) {
                return false;
            }
            try {
                broker.checkReachable();
                return true;
            } catch (PortException e) {
                return false;
            }
        }
    }

    @Override
    public void close() {
        synchronized (broker.lock()) {
            if (closed) {
                return;
            }
            closed = true;
            if (!crashed) {
                broker.closed(this);
            }
        }
    }

    InMemoryBroker broker() {
        return broker;
    }

    Set<InMemoryBroker.BrokerConsumer> subscriptions() {
        return subscriptions;
    }

    void markCrashed() {
        crashed = true;
    }

    private void checkUsable() {
        if (closed) {
            throw new PermanentPortException("this message bus is closed");
        }
        if (crashed) {
            throw new TransientPortException("the connection to the broker was lost");
        }
        broker.checkReachable();
    }

    @Override
    public String toString() {
        return "InMemoryMessageBus[" + topology.namespace() + (crashed ? ", crashed" : closed ? ", closed" : "") + "]";
    }

    /** One partition queue of a service, as the bus remembers having declared it. */
    private record PartitionQueue(AggregateType type, int partition, ServiceName service) {
    }

    private static final class BusDelivery implements Delivery {
        private final InMemoryBroker.BrokerDelivery delivery;

        private BusDelivery(InMemoryBroker.BrokerDelivery delivery) {
            this.delivery = delivery;
        }

        @Override
        public Event event() {
            return (Event) delivery.body();
        }

        @Override
        public boolean redelivered() {
            return delivery.redelivered();
        }

        @Override
        public void ack() {
            delivery.ack();
        }

        @Override
        public void requeue() {
            delivery.requeue();
        }

        @Override
        public void reject() {
            // no dead-lettering in the simulation: a refused message leaves the queue as an acked one does
            delivery.ack();
        }

        @Override
        public String toString() {
            return "Delivery[" + event() + (redelivered() ? ", redelivered" : "") + "]";
        }
    }
}
