package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;

import java.util.List;

/**
 * One binding of a service to an aggregate type for one projection, as made by {@link Listener#listen}:
 * attach its handlers before {@link Listener#start()}. For each event, the handler of its name runs if there
 * is one, otherwise the catch-all, otherwise nothing (the event is recorded as handled ok: the projection
 * does not care about it).
 */
public interface ProjectionBinding {

    /** The (service, aggregate type, projection) this binds. */
    Binding binding();

    /**
     * Handles events of this name with {@code handler}.
     *
     * @return this binding, to attach more handlers
     * @throws IllegalStateException if the name already has a handler, or the listener has started
     */
    ProjectionBinding on(EventName name, EventHandler handler);

    /** As {@link #on(EventName, EventHandler)}, with the name given as text. */
    default ProjectionBinding on(String name, EventHandler handler) {
        return on(EventName.of(name), handler);
    }

    /**
     * Handles the events of {@code type}'s name with {@code handler}, their payload read as {@code type} by the
     * runtime's {@link io.eventsource.ports.EventSerializer}: {@code on(OrderPaid.class, (paid, event) -> ...)}. The
     * name is the serializer's for the class ({@link io.eventsource.domain.EventType}, else the simple name). A
     * payload that cannot be read as {@code type} fails the handler with an
     * {@link io.eventsource.ports.UnreadableEventException} that names the event and the class: retried, then
     * recorded as failed per {@link FailurePolicy}, and replayable once the class or an upcaster reads it. The
     * runtime's bindings implement it; as a default, it throws the {@link IllegalStateException} of a runtime
     * without a serializer.
     *
     * @return this binding, to attach more handlers
     * @throws IllegalStateException if no {@code EventSerializer} is bound (add {@code JacksonModule}), the name
     *         already has a handler, or the listener has started
     * @throws io.eventsource.domain.InvalidValueException if the class has no valid event name
     */
    default <T> ProjectionBinding on(Class<T> type, TypedEventHandler<? super T> handler) {
        throw new IllegalStateException(TypedEvents.NO_SERIALIZER);
    }

    /**
     * Handles every event that has no handler of its own name.
     *
     * @return this binding
     * @throws IllegalStateException if a catch-all is already attached, or the listener has started
     */
    ProjectionBinding onAny(EventHandler handler);

    /**
     * Makes this binding owed every event of its aggregate type ever appended, not only those that occurred
     * since its listener started less the sweeper's {@link SweepPolicy#lookback() lookback}: the sweeper
     * re-drives, a bounded number per run, every aggregate whose events this binding has no ack for. For a new
     * projection that must be built from the whole history. (Without it, a binding still handles the whole
     * history of every aggregate that has news: the gap fill starts at the binding's first unhandled sequence.)
     *
     * @return this binding
     * @throws IllegalStateException if the listener has started
     */
    ProjectionBinding fromBeginning();

    /**
     * Replays up to {@code limit} of this binding's failed events (its acks with status fail, oldest first):
     * each is handed to this binding's handler again through its aggregate's queue, so by the instance of the
     * service that consumes the aggregate, in the aggregate's order of work (never at the same time as another
     * event of the aggregate for this binding), with the {@link FailurePolicy}'s retries. Its ack becomes ok if
     * the handler now succeeds, or stays fail with the attempts added up; the service's other bindings are not
     * affected. Once a replay succeeds on an aggregate that the failure had parked
     * ({@link FailurePolicy.Exhausted#PARK}), the binding goes on with the aggregate's later events in sequence
     * order. The replays are handled after this returns: read the ack store to see how they ended.
     *
     * @param limit how many failures to replay at most, 1-10000
     * @return the events sent for replay, per aggregate in sequence order, aggregates by oldest failure
     * @throws IllegalStateException if the listener is not running
     * @throws IllegalArgumentException if {@code limit} is out of range
     * @throws io.eventsource.ports.PortException if the ack store, the event log or the broker cannot be reached;
     *         failures of aggregates sent before it stay sent, so calling again is safe
     */
    List<Event> replayFailures(int limit);
}
