package io.eventsource.examples;

import io.eventsource.core.EventHandler;
import io.eventsource.domain.AggregateRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Every event every handler of a test was handed, in the order the handlers saw them, by service and instance: what
 * the bindings did, as opposed to what the ack table says they did. Also notices two events of one aggregate in
 * progress at once for one service (which single active consumer and the aggregate's lane must prevent).
 */
final class Handlings {
    /** One call of a handler. */
    record Handling(String service, String instance, String eventId, AggregateRef aggregate, long sequence,
                    Instant at) {
        @Override
        public String toString() {
            return aggregate + "#" + sequence + " (" + eventId + ") on " + instance;
        }
    }

    private final List<Handling> all = new ArrayList<>(); // guarded by itself
    private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();
    private final List<String> overlaps = new ArrayList<>(); // guarded by itself

    /** A handler for the service's binding on one instance that records what it is handed. */
    EventHandler recorder(String service, String instance) {
        return event -> {
            AtomicInteger running = inProgress.computeIfAbsent(service + " " + event.aggregate(),
                    key -> new AtomicInteger());
            try {
                if (running.incrementAndGet() > 1) {
                    synchronized (overlaps) {
                        overlaps.add(service + " was handed " + event.aggregate() + "#" + event.sequence() + " on "
                                + instance + " while it handled another event of " + event.aggregate());
                    }
                }
                Handling handling = new Handling(service, instance, event.id().value(), event.aggregate(),
                        event.sequence(), Instant.now());
                synchronized (all) {
                    all.add(handling);
                }
            } finally {
                running.decrementAndGet();
            }
        };
    }

    /** The handlings of the aggregates that {@code which} selects, in the order they happened. */
    List<Handling> of(Predicate<AggregateRef> which) {
        List<Handling> selected = new ArrayList<>();
        synchronized (all) {
            for (Handling handling : all) {
                if (which.test(handling.aggregate())) {
                    selected.add(handling);
                }
            }
        }
        return selected;
    }

    /** Each time a service was handed an event of an aggregate while it handled another one of it. */
    List<String> overlaps() {
        synchronized (overlaps) {
            return List.copyOf(overlaps);
        }
    }
}
