package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transport of the seed's flow: announcements of aggregate ids, and one route per active aggregate.
 * Names come from {@link Topology} under the bus's namespace; durations from the bus's
 * {@link io.eventsource.domain.ExpiryPolicy}.
 *
 * <p>The broker semantics every implementation carries (the contract suite checks them):
 * <ul>
 *   <li>The announcement exchange of a type is a durable fanout; each service has one durable
 *       announcement queue bound to it, shared by all the service's instances.</li>
 *   <li>An aggregate's exchange is an auto-delete fanout: it is deleted when its last queue goes.
 *       Each service has one queue per aggregate, with single active consumer, deleted with its
 *       messages once it has had no consumer and no redeclare for the queue expiry. Publishing does
 *       not keep a queue alive.</li>
 *   <li>An aggregate subscription is cancelled by the bus when idle: nothing received, nothing
 *       unsettled, for the consumer idle timeout. A subscription with traffic is never cancelled for idleness.</li>
 *   <li>Messages not settled when their subscription ends (cancel, idle, lost connection) return to
 *       their queue, in order, for the next consumer.</li>
 *   <li>Announcements, and the events on a partition queue, survive a restart of the broker. The events on an
 *       aggregate's queue may not (the RabbitMQ adapter keeps them in memory unless told otherwise): the log is their
 *       durable copy, and the core catches up from it an aggregate it consumes again after a lost connection.</li>
 * </ul>
 *
 * <p><b>Topologies.</b> The above is the seed's {@link AggregateTopology#perAggregate() per-aggregate} topology, every
 * type's unless {@link #useTopology} says otherwise. For a {@link AggregateTopology#partitioned partitioned} type, an
 * aggregate's route is the partition queue of each service that its id hashes onto
 * ({@link AggregateTopology.Partitioned#partitionOf}): {@link #declareRoute} declares the type's durable partition
 * exchange and those queues (durable, single active consumer, expiring after the topology's queue expiry once
 * unused), {@link #publish} publishes to the partition exchange, {@link #announce} does nothing (no announcements, no
 * per-aggregate exchange or queue), and services consume with {@link #subscribePartition}, never with
 * {@link #subscribeAggregate}. Partition subscriptions are not cancelled for idleness.
 *
 * <p>Implementations are thread-safe. Listeners are called on the bus's own threads, one message at a time
 * per subscription; a listener's exception never ends a subscription or kills a thread.
 */
public interface MessageBus extends AutoCloseable {

    /**
     * Routes the type's events by {@code topology} from now on (see the class comment); every type is
     * {@link AggregateTopology#perAggregate() per aggregate} until then. Call it once per type before its first route,
     * publish or subscription; the core does, after every process of the namespace agreed on the topology. The default
     * knows only the per-aggregate topology.
     *
     * @throws UnsupportedOperationException if this bus cannot carry the topology
     * @throws IllegalStateException if the type already uses another topology on this bus
     */
    default void useTopology(AggregateType type, AggregateTopology topology) {
        if (topology.isPartitioned()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " has no partitioned topology; "
                    + type + " cannot be " + topology.describe() + " on it");
        }
    }

    /**
     * Makes sure every partition queue of {@code service} for the partitioned type exists and is bound to the type's
     * partition exchange: what a listening service does before it consumes. Idempotent; restarts the queues' unused
     * period.
     *
     * @throws IllegalStateException if the type is not partitioned on this bus ({@link #useTopology})
     * @throws RouteCollisionException if a queue of a partition's name exists for something else
     * @throws PortException if the broker cannot be reached or refuses
     */
    default void declarePartitions(AggregateType type, ServiceName service) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no partitioned topology");
    }

    /**
     * Consumes the service's queue of one partition of a partitioned type: the events of every aggregate hashed onto
     * it, each aggregate's in order. With several subscriptions on one queue (the service's instances), one at a
     * time is active; another takes over, from the first unsettled message, when the active one ends. Messages are
     * settled as with {@link #subscribeAggregate}, in any order across aggregates. Never cancelled for idleness.
     *
     * @param instance names the subscribing instance to the broker, so that an operator sees which instance is active
     *                 (RabbitMQ: the consumer tag); 1-100 characters of {@code [A-Za-z0-9_.:-]}
     * @throws IllegalStateException if the type is not partitioned on this bus ({@link #useTopology})
     * @throws PortException if the broker cannot be reached or the queue does not exist ({@link #declarePartitions})
     */
    default Subscription subscribePartition(AggregateType type, int partition, ServiceName service, String instance,
                                            DeliveryListener listener) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no partitioned topology");
    }

    /**
     * Makes sure the type's announcement exchange, the service's announcement queue and their binding
     * exist. Idempotent.
     *
     * @throws PortException if the broker cannot be reached or refuses
     */
    void declareAnnouncements(AggregateType type, ServiceName service);

    /**
     * Makes sure the aggregate's exchange and one aggregate queue per service exist and are bound.
     * Idempotent; declaring an existing queue restarts its unused period. Each queue carries the binding it was
     * declared for, so that another aggregate and service whose names spell the same queue name never share it.
     *
     * @throws RouteCollisionException if a queue of that name exists for another aggregate and service; nothing
     *         of the route was declared
     * @throws PortException if the broker cannot be reached or refuses
     */
    void declareRoute(AggregateRef aggregate, Set<ServiceName> services);

    /**
     * Declares the routes of several aggregates (a publisher's batch), each as {@link #declareRoute} does, in no
     * particular order: a bus may declare them concurrently. A refusal that concerns one aggregate (a
     * {@link RouteCollisionException}) is returned for it and leaves the others declared; a failure of the broker
     * itself is thrown. The default declares one route at a time.
     *
     * @return the aggregates whose route was refused, each with the reason; empty when every route was declared
     * @throws PortException if the broker cannot be reached or refuses; some routes may have been declared (declaring
     *         is idempotent: declare them all again)
     */
    default Map<AggregateRef, RouteCollisionException> declareRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
        Map<AggregateRef, RouteCollisionException> refused = new LinkedHashMap<>();
        routes.forEach((aggregate, services) -> {
            try {
                declareRoute(aggregate, services);
            } catch (RouteCollisionException e) {
                refused.put(aggregate, e);
            }
        });
        return refused;
    }

    /**
     * Renews the routes of aggregates that were declared before: restarts the unused period of each service's
     * aggregate queue, as a declaration does, but creates, binds and changes nothing, so that it costs the broker one
     * call per queue instead of a declaration's queue, exchange and binding calls. A publisher renews the routes it
     * keeps publishing to, and declares them in full now and then ({@link #declareRoutes}), which also rebinds a
     * queue that lost its binding. Aggregates of a partitioned type are always returned: their route is their
     * partition's queues, which {@link #declareRoutes} declares once per queue anyway.
     *
     * @return the aggregates that were not renewed, in the order given: a queue of theirs does not exist (it expired,
     *         or was deleted), or their type is partitioned; declare those with {@link #declareRoutes}
     * @throws PortException if the broker cannot be reached or refuses; some routes may have been renewed (renewing
     *         is idempotent)
     */
    Set<AggregateRef> renewRoutes(Map<AggregateRef, Set<ServiceName>> routes);

    /**
     * Publishes events of one aggregate to its exchange (or its partition's), in the given order, and returns once
     * the broker has confirmed them all (see the class comment for what a broker restart keeps).
     *
     * @return {@link PublishResult.Routed} when every event reached at least one queue;
     *         {@link PublishResult.ExchangeMissing} when the exchange does not exist (it auto-deleted:
     *         declare the route and publish again); {@link PublishResult.Unroutable} when it exists but
     *         no queue took the events. Nothing is silently dropped: anything but Routed means the
     *         events are, at best, partly delivered, and the caller decides.
     * @throws PortException if the broker cannot be reached, refuses, or does not confirm
     */
    PublishResult publish(AggregateRef aggregate, List<Event> events);

    /**
     * Publishes the events of several aggregates (a publisher's batch), each aggregate's in the given order, and
     * returns once the broker has confirmed them all: as {@link #publish} per aggregate, with one wait for
     * confirms where the bus can. The default publishes one aggregate at a time.
     *
     * @return per aggregate, as {@link #publish} returns
     * @throws PortException if the broker cannot be reached, refuses, or does not confirm; some aggregates' events
     *         may have been published (consumers skip what they see twice)
     */
    default Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
        Map<AggregateRef, PublishResult> results = new LinkedHashMap<>();
        events.forEach((aggregate, ofAggregate) -> results.put(aggregate, publish(aggregate, ofAggregate)));
        return results;
    }

    /**
     * Announces several aggregates, each once, with one wait for confirms where the bus can; as {@link #announce}
     * per aggregate. The default announces one at a time.
     *
     * @throws PortException if the broker cannot be reached, refuses, or does not confirm
     */
    default Map<AggregateRef, PublishResult> announceAll(Collection<AggregateRef> aggregates) {
        Map<AggregateRef, PublishResult> results = new LinkedHashMap<>();
        for (AggregateRef aggregate : aggregates) {
            results.put(aggregate, announce(aggregate));
        }
        return results;
    }

    /**
     * A publisher's batch in one go: publishes {@code events} as {@link #publishAll} does, then announces
     * {@code announce} as {@link #announceAll} does, with one wait for confirms for both where the bus can. Each
     * announcement reaches the announcement queues after the events published before it reached theirs, so that a
     * service that starts consuming an announced aggregate finds them there. An aggregate whose events came back
     * (not {@link PublishResult.Routed}) has been announced all the same: a service that finds no queue for it
     * declares one and reads the log. The default publishes, then announces.
     *
     * @return per aggregate of {@code events}, as {@link #publish} returns (announcements are hints: their results
     *         are not reported)
     * @throws PortException if the broker cannot be reached, refuses, or does not confirm; some events and
     *         announcements may have been published (consumers skip what they see twice)
     */
    default Map<AggregateRef, PublishResult> publishAndAnnounce(Map<AggregateRef, List<Event>> events,
                                                                Collection<AggregateRef> announce) {
        Map<AggregateRef, PublishResult> results = events.isEmpty() ? new LinkedHashMap<>() : publishAll(events);
        announceAll(announce);
        return results;
    }

    /**
     * Publishes the aggregate's id to its type's announcement exchange, so that every listening service
     * starts consuming the aggregate's queue if it does not already.
     *
     * @return as {@link #publish}: ExchangeMissing when no service ever declared the type's announcements
     * @throws PortException if the broker cannot be reached, refuses, or does not confirm
     */
    PublishResult announce(AggregateRef aggregate);

    /**
     * Consumes the service's announcement queue of the type. Each announcement is settled once the listener
     * returns (or throws: announcements are hints, and the log is the source of truth).
     *
     * @throws PortException if the broker cannot be reached or the queue is missing
     */
    Subscription subscribeAnnouncements(AggregateType type, ServiceName service, AnnouncementListener listener);

    /**
     * Consumes the service's queue of the aggregate. With several subscriptions on one queue (several
     * instances of a service), one at a time is active; another takes over, from the first unsettled
     * message, when the active one ends. Every delivery is settled by the listener with
     * {@link Delivery#ack()} or {@link Delivery#requeue()}, possibly later and on another thread.
     *
     * @throws PortException if the broker cannot be reached or the queue does not exist (declare the route first)
     */
    Subscription subscribeAggregate(AggregateRef aggregate, ServiceName service, DeliveryListener listener);

    /**
     * Whether the bus is connected to its broker now, for a health check: {@code false} while a lost connection is
     * being recovered and once the bus is closed. Cheap, does not touch the broker. A bus that needs no connection
     * (the in-memory one) is connected while it is open; this default says {@code true}.
     */
    default boolean isConnected() {
        return true;
    }

    /** Releases connections and threads; open subscriptions end without calling their listeners. Never throws. */
    @Override
    void close();
}
