package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.EventName;

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
}
