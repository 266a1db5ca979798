package io.eventsource.tck;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AnnouncementListener;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.ports.Subscription;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link MessageBus} that hands every call to another one: tests extend it to observe or add to one or two
 * calls (count publishes, remember what to delete afterwards) without restating the rest of the port.
 * {@link #publishAndAnnounce} is not handed on: it keeps the port's default, which calls {@link #publishAll} and
 * {@link #announceAll}, so that a test that extends either of those sees a publisher's batches go through them.
 */
public abstract class ForwardingMessageBus implements MessageBus {
    private final MessageBus delegate;

    /** A bus that forwards to {@code delegate}. */
    protected ForwardingMessageBus(MessageBus delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The bus every call is handed to. */
    protected final MessageBus delegate() {
        return delegate;
    }

    @Override
    public void useTopology(AggregateType type, AggregateTopology topology) {
        delegate.useTopology(type, topology);
    }

    @Override
    public void declarePartitions(AggregateType type, ServiceName service) {
        delegate.declarePartitions(type, service);
    }

    @Override
    public Subscription subscribePartition(AggregateType type, int partition, ServiceName service, String instance,
                                           DeliveryListener listener) {
        return delegate.subscribePartition(type, partition, service, instance, listener);
    }

    @Override
    public void declareAnnouncements(AggregateType type, ServiceName service) {
        delegate.declareAnnouncements(type, service);
    }

    @Override
    public void declareRoute(AggregateRef aggregate, Set<ServiceName> services) {
        delegate.declareRoute(aggregate, services);
    }

    @Override
    public Map<AggregateRef, RouteCollisionException> declareRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
        return delegate.declareRoutes(routes);
    }

    @Override
    public Set<AggregateRef> renewRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
        return delegate.renewRoutes(routes);
    }

    @Override
    public PublishResult publish(AggregateRef aggregate, List<Event> events) {
        return delegate.publish(aggregate, events);
    }

    @Override
    public Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
        return delegate.publishAll(events);
    }

    @Override
    public Map<AggregateRef, PublishResult> announceAll(Collection<AggregateRef> aggregates) {
        return delegate.announceAll(aggregates);
    }

    @Override
    public PublishResult announce(AggregateRef aggregate) {
        return delegate.announce(aggregate);
    }

    @Override
    public Subscription subscribeAnnouncements(AggregateType type, ServiceName service, AnnouncementListener listener) {
        return delegate.subscribeAnnouncements(type, service, listener);
    }

    @Override
    public Subscription subscribeAggregate(AggregateRef aggregate, ServiceName service, DeliveryListener listener) {
        return delegate.subscribeAggregate(aggregate, service, listener);
    }

    @Override
    public boolean isConnected() {
        return delegate.isConnected();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
