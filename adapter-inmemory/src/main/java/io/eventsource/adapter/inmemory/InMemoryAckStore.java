package io.eventsource.adapter.inmemory;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The acks in memory: durable as soon as recorded, for as long as the process lives. */
final class InMemoryAckStore implements AckStore {
    private final Map<AckKey, Ack> acks = new LinkedHashMap<>();

    @Override
    public CompletionStage<Void> record(Collection<Ack> batch) {
        synchronized (this) {
            for (Ack ack : batch) {
                acks.merge(ack.key(), ack, Ack::mergedWith);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized Map<AckKey, Ack> find(Collection<AckKey> keys) {
        Map<AckKey, Ack> found = new HashMap<>();
        for (AckKey key : keys) {
            Ack ack = acks.get(key);
            if (ack != null) {
                found.put(key, ack);
            }
        }
        return found;
    }

    @Override
    public synchronized long lastSequence(ServiceName service, Projection projection, AggregateRef aggregate) {
        long last = 0;
        for (Ack ack : acks.values()) {
            if (ofBinding(ack, service, projection) && ack.aggregate().equals(aggregate)) {
                last = Math.max(last, ack.sequence());
            }
        }
        return last;
    }

    @Override
    public synchronized Map<AggregateRef, Map<Binding, Long>> lastSequencesAll(Collection<Binding> bindings,
                                                                               Collection<AggregateRef> aggregates) {
        Map<AggregateRef, Map<Binding, Long>> last = new LinkedHashMap<>();
        for (AggregateRef aggregate : aggregates) {
            AckStore.requireTypeOf(aggregate, bindings);
            Map<Binding, Long> none = new LinkedHashMap<>();
            bindings.forEach(binding -> none.put(binding, 0L));
            last.put(aggregate, none);
        }
        if (bindings.isEmpty()) {
            return last;
        }
        // one pass over the acks, as the database answers in one query
        for (Ack ack : acks.values()) {
            Map<Binding, Long> ofAggregate = last.get(ack.aggregate());
            if (ofAggregate != null) {
                Binding binding = new Binding(ack.key().service(), ack.aggregate().type(), ack.key().projection());
                ofAggregate.computeIfPresent(binding, (b, sequence) -> Math.max(sequence, ack.sequence()));
            }
        }
        return last;
    }

    @Override
    public synchronized Map<Binding, Long> lastSequences(Collection<Binding> bindings, AggregateRef aggregate) {
        AckStore.requireTypeOf(aggregate, bindings);
        Map<Binding, Long> last = new LinkedHashMap<>();
        for (Binding binding : bindings) {
            last.put(binding, 0L);
        }
        if (last.isEmpty()) {
            return last;
        }
        // one pass over the acks, as the database answers in one query
        for (Ack ack : acks.values()) {
            if (ack.aggregate().equals(aggregate)) {
                Binding binding = new Binding(ack.key().service(), aggregate.type(), ack.key().projection());
                last.computeIfPresent(binding, (b, sequence) -> Math.max(sequence, ack.sequence()));
            }
        }
        return last;
    }

    @Override
    public synchronized Set<EventId> acknowledged(ServiceName service, Projection projection, Collection<EventId> events) {
        Set<EventId> found = new HashSet<>();
        for (EventId event : events) {
            if (acks.containsKey(new AckKey(event, service, projection))) {
                found.add(event);
            }
        }
        return found;
    }

    @Override
    public synchronized void forget(Binding binding, Collection<EventId> events) {
        for (EventId event : events) {
            acks.remove(AckKey.of(event, binding));
        }
    }

    @Override
    public synchronized List<Ack> failures(ServiceName service, Projection projection, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
        List<Ack> failures = new ArrayList<>();
        for (Ack ack : acks.values()) {
            if (ofBinding(ack, service, projection) && !ack.isOk()) {
                failures.add(ack);
            }
        }
        // oldest first; the sort is stable, so acks of one instant stay in the order they were first recorded
        failures.sort(Comparator.comparing(Ack::at));
        return List.copyOf(failures.subList(0, Math.min(limit, failures.size())));
    }

    private static boolean ofBinding(Ack ack, ServiceName service, Projection projection) {
        return ack.key().service().equals(service) && ack.key().projection().equals(projection);
    }
}
