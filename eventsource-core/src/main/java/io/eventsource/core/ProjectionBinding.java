package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ReplayRequest;

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

    /**
     * Replays the events of this binding's aggregate type that the request selects (by aggregate, position range,
     * time range, or failed only), at its throttle: each is handed to this binding's handler once more, through its
     * aggregate's queue, so by the instance of the service that consumes the aggregate, per aggregate in sequence
     * order; the service's other bindings and other services are not affected. Unless the request is failed-only,
     * this binding's acks of the selected events are forgotten, a step at a time just before they are sent, and
     * recorded again as they are handled. Progress is stored in the runtime's
     * {@link io.eventsource.ports.CheckpointStore} after each step: calling this again with the same request id
     * (after a crash) goes on from there, and may hand the events of the one step in progress at the crash twice.
     * See {@link ReplayEngine} for the full contract.
     *
     * @return the replay in progress: its progress and a stage that completes when every selected event was sent
     * @throws IllegalStateException if the listener is not running
     * @throws io.eventsource.domain.InvalidValueException if the request's id names a replay of something else
     * @throws io.eventsource.ports.PortException if the log or a store cannot be reached; nothing was started
     */
    ReplayRun replay(ReplayRequest request);

    /**
     * Rebuilds this binding's projection from {@code toPosition}: rewinds its checkpoint to {@code toPosition} and
     * replays every event of its aggregate type above it ({@link ReplayRequest#resetAbove}), forgetting its acks of
     * them (ok or failed) as it goes, so that each is handled again, per aggregate in sequence order. {@code reset(0)}
     * rebuilds from the beginning. Clear the projection's own state above that position before, or make the handler
     * idempotent. The rewound checkpoint lets a listener that starts during the rebuild sweep from there; a sweeper
     * already running may save its own, higher checkpoint again, since checkpoints only move forward: the reset's
     * stored progress, not the checkpoint, is what carries the rebuild through a crash. As {@link #replay}:
     * resumable by the returned run's id ({@code replay(ReplayRequest.resetAbove(toPosition).id(run.id()))}),
     * throttled at {@value ReplayRequest#DEFAULT_RATE} events/s.
     *
     * @param toPosition the last log position whose acks and checkpoint are kept, 0 or more
     * @return the reset in progress
     * @throws IllegalStateException if the listener is not running
     * @throws io.eventsource.domain.InvalidValueException if {@code toPosition} is negative
     * @throws io.eventsource.ports.PortException if the log or a store cannot be reached; nothing was started
     */
    default ReplayRun reset(long toPosition) {
        return replay(ReplayRequest.resetAbove(toPosition));
    }
}
