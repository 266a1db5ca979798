package io.eventsource.tck;

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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * An {@link AckStore} that hands every call to another one, the port's default methods too: tests extend it to
 * observe, delay or break one or two calls (count reads, complete records on a thread of their own, fail the next
 * record) without restating the rest of the port.
 */
public abstract class ForwardingAckStore implements AckStore {
    private final AckStore delegate;

    /** A store that forwards to {@code delegate}. */
    protected ForwardingAckStore(AckStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store every call is handed to. */
    protected final AckStore delegate() {
        return delegate;
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

    /** Forwards the call as one, so that the delegate's own batching is what a test sees. */
    @Override
    public Map<Binding, Long> lastSequences(Collection<Binding> bindings, AggregateRef aggregate) {
        return delegate.lastSequences(bindings, aggregate);
    }

    /** Forwards the call as one, so that the delegate's own batching is what a test sees. */
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

    @Override
    public void close() {
        delegate.close();
    }
}
