package io.eventsource.core;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;

import java.util.concurrent.CompletionStage;

/**
 * The listening side of one service in this process ({@link Eventsource#listener}): bind projections with
 * {@link #listen}, attach handlers, then {@link #start()}.
 *
 * <p>Once started it registers its bindings in the registry and heart-beats them every
 * {@link io.eventsource.domain.ExpiryPolicy#heartbeatInterval() heartbeat interval}; consumes the service's
 * announcement queue of each bound aggregate type; on an announced aggregate, consumes the service's queue of
 * that aggregate unless it already does (the bus ends idle consumers; the next announcement starts one
 * again); and handles each event for every binding of the service on the event's type: skipping what a
 * binding acked ok, filling a sequence gap from the event log first, retrying a failing handler with backoff
 * per {@link FailurePolicy}, recording one ack per binding, and acknowledging the broker message only once
 * the acks are durable. A store failure returns the message to its queue. Events of one aggregate are
 * handled one at a time in sequence order; different aggregates concurrently.
 *
 * <p>It also sweeps, per {@link SweepPolicy}: every interval it reads the log of each bound type and, for an
 * event that a binding is owed and has no ack for past the grace period (one that the normal path lost with no
 * later news of its aggregate), re-drives the aggregate through its queue: declares the aggregate's route for
 * this service, consumes the queue unless it already does, and publishes the first missing and the latest event
 * of the aggregate, so that the queue's single active consumer fills the gap from the log in order.
 */
public interface Listener extends AutoCloseable {

    /** The service this listener listens for. */
    ServiceName service();

    /**
     * This listener's name among the instances of its service: unique per listener, recorded in the registry with its
     * heartbeats, and put on its consumers of partitions (the consumer tag on RabbitMQ), so that an operator sees which
     * instance consumes which partition. The default is the service's name.
     */
    default String instance() {
        return service().value();
    }

    /**
     * Binds the projection to the aggregate type for this service.
     *
     * @return the binding, to which handlers attach
     * @throws io.eventsource.domain.DuplicateBindingException if this service already binds the pair
     * @throws IllegalStateException if the listener has started
     */
    ProjectionBinding listen(AggregateType type, Projection projection);

    /** As {@link #listen(AggregateType, Projection)}, with names given as text. */
    default ProjectionBinding listen(String type, String projection) {
        return listen(AggregateType.of(type), Projection.of(projection));
    }

    /**
     * Starts listening with the bindings and handlers made so far; they cannot change afterwards. A broker or
     * registry that cannot be reached now is retried every heartbeat interval. The types with a partitioned topology
     * ({@link EventsourceOptions#withTopology}) are consumed from their partitions, shared with the service's other
     * live instances; the others as the seed does.
     *
     * @throws IllegalStateException if already started or stopped
     * @throws io.eventsource.domain.TopologyMismatchException if the runtime's topology of a bound type is not the one
     *         the namespace recorded: nothing was started, and the listener stays unstarted
     */
    void start();

    /**
     * Stops gracefully: no new event is started, events queued locally go back to the broker, the event in
     * progress in each aggregate finishes (handler, ack, broker ack), then the subscriptions end; a sweep in
     * progress ends after the log page it is at. Non-blocking; idempotent.
     *
     * @return completes once the work in progress has finished, the sweep's too: the stores may be closed then
     */
    CompletionStage<Void> stop();

    /**
     * How many aggregate messages this listener dropped unhandled, each logged with its queue and reason: messages
     * that are not events of the log (an unknown id, a sequence the log does not hold, other content than the
     * log's), and messages it gave up on after its bounded retries (the log brings those events again).
     */
    long refusedDeliveries();

    /**
     * How many announcements this listener dropped because the log holds no event of the announced aggregate, so
     * that no broker object is made for an id that nothing was published for.
     */
    long droppedAnnouncements();

    /**
     * {@link #stop()} and wait for it, at most the {@link EventsourceOptions#closeTimeout() close timeout}.
     * On a virtual scheduler, call {@link #stop()} and advance the clock instead.
     */
    @Override
    void close();
}
