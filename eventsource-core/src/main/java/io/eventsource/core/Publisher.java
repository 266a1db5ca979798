package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The producing side: appends events of an aggregate to the event log, then routes and publishes them as the
 * seed does: reads the type's live services from the registry (cached briefly), makes sure the aggregate's
 * exchange and one queue per live service exist (cached for {@link io.eventsource.domain.ExpiryPolicy#routeCacheTtl()}),
 * publishes the events to the aggregate's exchange, announces the aggregate id, and marks them published (in the
 * background, once the broker confirmed them; a mark that does not happen leaves them to the relay, and consumers
 * skip a second copy).
 *
 * <p>Transient failures of the log, the registry and the broker are retried with backoff and jitter until
 * {@link EventsourceOptions#publishDeadline()}. A broker or registry failure after the append does not lose the
 * events and does not throw: the result is {@link Publication.Pending} and the relay publishes them later. The
 * same {@link NewEvent}s published again (a retry after a timeout) are recognised by their ids and not appended
 * twice: the retry gets the stored events ({@link io.eventsource.domain.RetriedAppend} states the rule). Thread-safe.
 *
 * <p>Events are bytes ({@link EventName}, {@link Payload}, {@link NewEvent}) or typed: objects of the application's
 * event classes ({@link #publish(AggregateRef, Object)}, {@link #publishAll}), which the runtime's
 * {@link io.eventsource.ports.EventSerializer} turns into bytes; the typed methods need one bound
 * ({@code JacksonModule}), and a publisher without one refuses them with an {@link IllegalStateException}.
 */
public interface Publisher {

    /**
     * Appends events of one aggregate, atomically (all get the next sequences or none is written), and
     * publishes them; the stage completes once they are published or left to the relay. Retries run on the
     * runtime's scheduler.
     *
     * @param expected the version the aggregate must be at, or {@link ExpectedVersion#ANY}
     * @param events one or more events, in the order they happened
     * @return completes with {@link Publication.Sent}, or {@link Publication.Pending} if the broker or registry could
     *         not take them within the deadline; completes exceptionally with
     *         {@link io.eventsource.domain.ConcurrencyConflictException} if the aggregate is not at {@code expected}
     *         (nothing was written), {@link EventLogUnavailableException} if the log could not be written within the
     *         deadline (nothing was written), {@link io.eventsource.domain.DuplicateEventIdException} if an event id is
     *         in the log and this is no retry of the publish that wrote it (nothing was written), or another
     *         {@link io.eventsource.ports.PortException} the log refused with
     * @throws io.eventsource.domain.PayloadTooLargeException if an event's payload is over
     *         {@link EventsourceOptions#payloadLimit()}; nothing was appended
     * @throws IllegalArgumentException if {@code events} is empty
     * @throws IllegalStateException if the runtime is closed
     * @throws io.eventsource.domain.TopologyMismatchException if this runtime's topology of the aggregate's type
     *         ({@link EventsourceOptions#withTopology}) is not the one its namespace recorded; nothing was appended
     */
    CompletionStage<Publication> publishAsync(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events);

    /** As {@link #publishAsync(AggregateRef, ExpectedVersion, List)}, for one event after whatever the aggregate holds. */
    default CompletionStage<Publication> publishAsync(AggregateRef aggregate, NewEvent event) {
        return publishAsync(aggregate, ExpectedVersion.ANY, List.of(event));
    }

    /**
     * As {@link #publishAsync(AggregateRef, ExpectedVersion, List)}, for one event made here: a random id, no
     * metadata, occurred now by the runtime's {@link io.eventsource.ports.Scheduler scheduler} clock.
     */
    CompletionStage<Publication> publishAsync(AggregateRef aggregate, EventName name, Payload payload);

    /**
     * {@link #publishAsync(AggregateRef, ExpectedVersion, List)} and wait for it. Do not call it on a virtual
     * scheduler's own thread while a retry is due: the retry runs on that thread (use {@code publishAsync}).
     *
     * @return {@link Publication.Sent}, or {@link Publication.Pending} if the broker could not take them now
     * @throws io.eventsource.domain.ConcurrencyConflictException if the aggregate is not at {@code expected}; nothing was written
     * @throws EventLogUnavailableException if the event log could not be written within the deadline; nothing was written
     * @throws io.eventsource.domain.DuplicateEventIdException if an event id is in the log and this is no retry of the
     *         publish that wrote it; nothing was written
     * @throws io.eventsource.domain.PayloadTooLargeException if an event's payload is over
     *         {@link EventsourceOptions#payloadLimit()}; nothing was appended
     * @throws IllegalArgumentException if {@code events} is empty
     * @throws io.eventsource.ports.PortException if the event log refused the append
     * @throws IllegalStateException if the runtime is closed
     * @throws io.eventsource.domain.TopologyMismatchException if this runtime's topology of the aggregate's type is
     *         not the one its namespace recorded; nothing was appended
     */
    default Publication publish(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
        return await(publishAsync(aggregate, expected, events));
    }

    /** Appends and publishes one event after whatever the aggregate holds. */
    default Publication publish(AggregateRef aggregate, NewEvent event) {
        return publish(aggregate, ExpectedVersion.ANY, List.of(event));
    }

    /**
     * Appends and publishes one event made here: a random id, no metadata, occurred now by the runtime's
     * {@link io.eventsource.ports.Scheduler scheduler} clock.
     */
    default Publication publish(AggregateRef aggregate, EventName name, Payload payload) {
        return await(publishAsync(aggregate, name, payload));
    }

    /**
     * Appends and publishes one typed event (a record such as {@code new OrderPaid("o-7", 1299)}) after whatever the
     * aggregate holds: named and serialized by the runtime's {@link io.eventsource.ports.EventSerializer} (its
     * {@link io.eventsource.domain.EventType} name or its class's simple name), with a random id, no metadata,
     * occurred now by the runtime's scheduler clock. Otherwise as {@link #publish(AggregateRef, ExpectedVersion, List)}.
     * (For fixed ids or metadata, serialize with the {@code EventSerializer} and publish {@link NewEvent}s.) The
     * runtime's publisher implements the typed methods; as a default, for a publisher of bytes only, they throw the
     * {@link IllegalStateException} of a runtime without a serializer.
     *
     * @throws IllegalStateException if no {@code EventSerializer} is bound (add {@code JacksonModule}), or the runtime
     *         is closed
     * @throws IllegalArgumentException if {@code event} is a collection, an array, text or a payload (use
     *         {@link #publishAll} or the byte API)
     * @throws io.eventsource.domain.InvalidValueException if the serializer cannot write it
     */
    default Publication publish(AggregateRef aggregate, Object event) {
        throw new IllegalStateException(TypedEvents.NO_SERIALIZER);
    }

    /** As {@link #publish(AggregateRef, Object)}, without waiting (see {@link #publishAsync(AggregateRef, ExpectedVersion, List)}). */
    default CompletionStage<Publication> publishAsync(AggregateRef aggregate, Object event) {
        throw new IllegalStateException(TypedEvents.NO_SERIALIZER);
    }

    /**
     * Appends typed events of one aggregate atomically, at {@code expected}, and publishes them: each as
     * {@link #publish(AggregateRef, Object)} makes it (a {@link NewEvent} among them is taken as it is), then as
     * {@link #publish(AggregateRef, ExpectedVersion, List)}.
     *
     * @throws IllegalStateException if no {@code EventSerializer} is bound, or the runtime is closed
     * @throws IllegalArgumentException if {@code events} is empty or holds a collection, an array, text or a payload
     * @throws io.eventsource.domain.ConcurrencyConflictException if the aggregate is not at {@code expected}; nothing
     *         was written
     */
    default Publication publishAll(AggregateRef aggregate, ExpectedVersion expected, List<?> events) {
        throw new IllegalStateException(TypedEvents.NO_SERIALIZER);
    }

    /** As {@link #publishAll}, without waiting (see {@link #publishAsync(AggregateRef, ExpectedVersion, List)}). */
    default CompletionStage<Publication> publishAllAsync(AggregateRef aggregate, ExpectedVersion expected,
                                                        List<?> events) {
        throw new IllegalStateException(TypedEvents.NO_SERIALIZER);
    }

    /** Waits for a publication and rethrows its failure as it was thrown, not wrapped. */
    private static Publication await(CompletionStage<Publication> publication) {
        try {
            return publication.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
