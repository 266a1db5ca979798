package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** One connection to an {@link InMemoryBroker}: the message bus of one service instance. */
final class InMemoryMessageBus implements MessageBus {
    private static final System.Logger LOG = System.getLogger(InMemoryMessageBus.class.getName());

    private final InMemoryBroker broker;
    private final Topology topology;
    private final Set<InMemoryBroker.BrokerConsumer> subscriptions = new LinkedHashSet<>();
    private boolean closed;
    private boolean crashed;

    InMemoryMessageBus(InMemoryBroker broker, Namespace namespace) {
        this.broker = broker;
        this.topology = Topology.of(namespace);
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

    @Override
    public PublishResult publish(AggregateRef aggregate, List<Event> events) {
        for (Event event : events) {
            if (!event.aggregate().equals(aggregate)) {
                throw new IllegalArgumentException("cannot publish " + event + " as an event of " + aggregate);
            }
        }
        String exchange = topology.aggregateExchange(aggregate).value();
        synchronized (broker.lock()) {
            checkUsable();
            return broker.publish(exchange, List.copyOf(events));
        }
    }

    @Override
    public PublishResult announce(AggregateRef aggregate) {
        String exchange = topology.announcementExchange(aggregate.type()).value();
        synchronized (broker.lock()) {
            checkUsable();
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
            return broker.consume(this, queue, true, delivery -> {
                BusDelivery wrapped = new BusDelivery(delivery);
                try {
                    listener.onDelivery(wrapped);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "delivery listener of " + queue + " failed on " + wrapped.event()
                            + "; requeued, the subscription goes on", e);
                    delivery.requeue();
                }
            }, listener::onEnded);
        }
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
