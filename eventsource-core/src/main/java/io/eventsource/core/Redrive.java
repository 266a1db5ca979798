package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.TransientPortException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one way events go again through an aggregate's queue of a service, for the sweeper's re-drives and the
 * replay of failures: declare the route for the service, consume the queue here (a standby consumer if another
 * instance is the active one), publish, and once more if the queue went in between. Going through the queue keeps
 * its single active consumer the only one that handles the aggregate; the other services' queues get a copy that
 * they skip as a duplicate.
 */
final class Redrive {
    private final ServiceName service;
    private final MessageBus bus;
    private final Consumer<AggregateRef> consume;

    /**
     * @param consume makes the listener consume the aggregate's queue unless it already does
     */
    Redrive(ServiceName service, MessageBus bus, Consumer<AggregateRef> consume) {
        this.service = service;
        this.bus = bus;
        this.consume = consume;
    }

    /**
     * The events followed by the aggregate's latest event if it is later: events appended after them may have been
     * published while these were not, perhaps before some service had a queue for the aggregate. The latest event
     * makes such a service see the gap and fill it from the log; a service that had it skips it as a duplicate.
     *
     * @throws io.eventsource.ports.PortException if the log cannot be reached
     */
    static List<Event> withLatest(EventLog log, AggregateRef aggregate, List<Event> events) {
        long last = events.get(events.size() - 1).sequence();
        long version = log.version(aggregate);
        if (version <= last) {
            return events;
        }
        List<Event> withLatest = new ArrayList<>(events);
        withLatest.addAll(log.read(aggregate, version, version));
        return withLatest;
    }

    /**
     * Sends the events through the service's queue of the aggregate.
     *
     * @throws io.eventsource.ports.PortException if the broker cannot be reached, or did not route the events
     */
    void throughQueue(AggregateRef aggregate, List<Event> events) {
        bus.declareRoute(aggregate, Set.of(service));
        consume.accept(aggregate);
        PublishResult result = bus.publish(aggregate, events);
        if (!result.isRouted()) {
            // the queue expired or was deleted between the declare and the publish: once more
            bus.declareRoute(aggregate, Set.of(service));
            consume.accept(aggregate);
            result = bus.publish(aggregate, events);
            if (!result.isRouted()) {
                throw new TransientPortException("the broker did not route " + events.size() + " event(s) of "
                        + aggregate + " to the queue of " + service + " just declared: " + result);
            }
        }
    }
}
