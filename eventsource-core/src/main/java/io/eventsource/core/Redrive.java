package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.TransientPortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one way events go again through an aggregate's queue of a service: declare the route for the service, consume
 * the queue here (a standby consumer if another instance is the active one), publish, and once more if the queue went
 * in between; the events are followed by the aggregate's latest event ({@link #withLatest}). Going through the queue
 * keeps its single active consumer the only one that handles the aggregate; the other services' queues get a copy
 * that they skip as a duplicate. Its users: the sweeper's re-drive of a missing event ({@link #missing}), the replay
 * of failures ({@link #replay}), and a queue declared anew for a consumer ({@link #latestIfBehind}); the relay adds the
 * latest event with {@link #withLatest} and publishes through the producer's routes ({@link Router}) instead, to every
 * live service at once.
 */
final class Redrive {
    private static final Logger LOG = LoggerFactory.getLogger(Redrive.class);

    /** What the re-drive needs of the listener's consumers. */
    interface Queues {
        /** Consumes the aggregate's queue unless the listener already does; false if the broker refused now. */
        boolean consume(AggregateRef aggregate);

        /** Whether the listener's consumer of the aggregate holds a message that waits to be tried again. */
        boolean isRetrying(AggregateRef aggregate);

        /**
         * Whether the listener's consumer of the aggregate holds a message of it at or after {@code sequence} that it
         * has not started: handling it handles the event at {@code sequence} first, or fills the gap up to it.
         */
        boolean holdsFrom(AggregateRef aggregate, long sequence);
    }

    private final ServiceName service;
    private final MessageBus bus;
    private final EventLog log;
    private final AckStore acks;
    private final Queues queues;

    Redrive(ServiceName service, MessageBus bus, EventLog log, AckStore acks, Queues queues) {
        this.service = service;
        this.bus = bus;
        this.log = log;
        this.acks = acks;
        this.queues = queues;
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
     * Re-drives an aggregate that a binding of this service has no ack for (see {@link Sweeper}): {@code firstMissing}
     * and the latest event through the queue, for its active consumer to handle the first and fill the gap from the
     * log for the second. Not while this listener's consumer of the aggregate is retrying a message: it is here,
     * waiting for a store to come back, and another copy would only multiply the tries. Nor while that consumer holds
     * a message of the aggregate at or after {@code firstMissing} that it has not started: the event is late, not lost
     * (a listener behind its queues, whose backlog is older than the grace period), and a re-drive would only add to
     * the backlog; the sweeper looks again at its next run.
     *
     * @return whether it re-drove the aggregate
     * @throws io.eventsource.ports.PortException if the broker or the log cannot be reached
     */
    boolean missing(AggregateRef aggregate, Event firstMissing) {
        if (queues.isRetrying(aggregate)) {
            LOG.debug("{} does not re-drive {}: its consumer here is retrying it", service, aggregate);
            return false;
        }
        if (queues.holdsFrom(aggregate, firstMissing.sequence())) {
            LOG.debug("{} does not re-drive {}: its consumer here holds a message of it from #{} on, not started yet",
                    service, aggregate, firstMissing.sequence());
            return false;
        }
        throughQueue(aggregate, withLatest(log, aggregate, List.of(firstMissing)));
        return true;
    }

    /**
     * Sends the replays of failed events (marked, see {@link Replay}) and the latest event through the queue.
     *
     * @throws io.eventsource.ports.PortException if the broker or the log cannot be reached
     */
    void replay(AggregateRef aggregate, List<Event> marked) {
        replay(aggregate, marked, true);
    }

    /**
     * Sends replays (marked, see {@link Replay}) through the queue, followed by the latest event if {@code thenLatest}.
     * A replay that forgot the acks of later events of the aggregate sends them itself and must not be followed by the
     * latest one: handled before them, it would break the replay's order ({@link ReplayEngine}).
     *
     * @throws io.eventsource.ports.PortException if the broker or the log cannot be reached
     */
    void replay(AggregateRef aggregate, List<Event> marked, boolean thenLatest) {
        throughQueue(aggregate, thenLatest ? withLatest(log, aggregate, marked) : marked);
    }

    /**
     * For a queue just declared anew (it expired while this service was down, or was never declared for it): if a
     * binding of this service is behind the log on the aggregate, the aggregate's latest event through the queue, so
     * that whichever instance is the queue's active consumer receives it and fills the gap from the log.
     *
     * @throws io.eventsource.ports.PortException if the log, the ack store or the broker cannot be reached
     */
    void latestIfBehind(AggregateRef aggregate, List<Binding> bindings) {
        long version = log.version(aggregate);
        if (version == 0 || bindings.isEmpty()) {
            return;
        }
        for (Map.Entry<Binding, Long> position : acks.lastSequences(bindings, aggregate).entrySet()) {
            if (position.getValue() < version) {
                LOG.debug("{} is behind the log on {} (version {}); publishing its last event again",
                        position.getKey(), aggregate, version);
                throughQueue(aggregate, log.read(aggregate, version, version));
                return;
            }
        }
    }

    /**
     * Sends the events through the service's queue of the aggregate.
     *
     * @throws io.eventsource.ports.PortException if the broker cannot be reached, or did not route the events
     */
    private void throughQueue(AggregateRef aggregate, List<Event> events) {
        bus.declareRoute(aggregate, Set.of(service));
        queues.consume(aggregate);
        PublishResult result = bus.publish(aggregate, events);
        if (!result.isRouted()) {
            // the queue expired or was deleted between the declare and the publish: once more
            bus.declareRoute(aggregate, Set.of(service));
            queues.consume(aggregate);
            result = bus.publish(aggregate, events);
            if (!result.isRouted()) {
                throw new TransientPortException("the broker did not route " + events.size() + " event(s) of "
                        + aggregate + " to the queue of " + service + " just declared: " + result);
            }
        }
    }
}
