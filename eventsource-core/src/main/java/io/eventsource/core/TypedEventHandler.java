package io.eventsource.core;

import io.eventsource.domain.Event;

/**
 * Projects one typed event ({@link ProjectionBinding#on(Class, TypedEventHandler)}): the payload read as the class the
 * handler was attached for, and the event it came in (aggregate, sequence, id, metadata, time). Called as an
 * {@link EventHandler} is: one aggregate at a time per binding, in sequence order, again only if an earlier run was
 * not recorded.
 *
 * @param <T> the class the payload is read as
 */
@FunctionalInterface
public interface TypedEventHandler<T> {

    /**
     * Handles the event. Throwing counts as a failure, retried and then recorded per {@link FailurePolicy}; so does a
     * payload that cannot be read as {@code T} ({@link io.eventsource.ports.UnreadableEventException}).
     *
     * @param event    the payload, read as {@code T}
     * @param envelope the event it came in
     */
    void handle(T event, Event envelope) throws Exception;
}
