package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** An ack store that forwards every call, for tests that watch one of them. */
class ForwardingAckStore implements AckStore {
    private final AckStore delegate;

    ForwardingAckStore(AckStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletionStage<Void> record(Collection<Ack> acks) {
        return delegate.record(acks);
    }

    @Override
    public Map<AckKey, Ack> find(Collection<AckKey> keys) {
        return delegate.find(keys);
    }

    @Override
    public long lastSequence(ServiceName service, Projection projection, AggregateRef aggregate) {
        return delegate.lastSequence(service, projection, aggregate);
    }

    @Override
    public Map<Binding, Long> lastSequences(Collection<Binding> bindings, AggregateRef aggregate) {
        return delegate.lastSequences(bindings, aggregate);
    }

    @Override
    public Map<AggregateRef, Map<Binding, Long>> lastSequencesAll(Collection<Binding> bindings,
                                                                   Collection<AggregateRef> aggregates) {
        return delegate.lastSequencesAll(bindings, aggregates);
    }

    @Override
    public Set<EventId> acknowledged(ServiceName service, Projection projection, Collection<EventId> events) {
        return delegate.acknowledged(service, projection, events);
    }

    @Override
    public void forget(Binding binding, Collection<EventId> events) {
        delegate.forget(binding, events);
    }

    @Override
    public List<Ack> failures(ServiceName service, Projection projection, int limit) {
        return delegate.failures(service, projection, limit);
    }
}
