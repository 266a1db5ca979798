package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;

import java.util.List;

/**
 * The producing side: appends events of an aggregate to the event log, then routes and publishes them as the
 * seed does: reads the type's live services from the registry (cached briefly), makes sure the aggregate's
 * exchange and one queue per live service exist (cached for {@link io.eventsource.domain.ExpiryPolicy#routeCacheTtl()}),
 * publishes the events to the aggregate's exchange, announces the aggregate id, and marks them published.
 *
 * <p>A broker failure after the append does not lose the events and does not throw: the result is
 * {@link Publication.Pending} and the relay publishes them later. Thread-safe.
 */
public interface Publisher {

    /**
     * Appends events of one aggregate, atomically (all get the next sequences or none is written), and
     * publishes them.
     *
     * @param expected the version the aggregate must be at, or {@link ExpectedVersion#ANY}
     * @param events one or more events, in the order they happened
     * @return {@link Publication.Sent}, or {@link Publication.Pending} if the broker could not take them now
     * @throws io.eventsource.domain.ConcurrencyConflictException if the aggregate is not at {@code expected}; nothing was written
     * @throws IllegalArgumentException if {@code events} is empty
     * @throws io.eventsource.ports.PortException if the event log cannot be reached; nothing was written
     *         (or, for a transient failure, possibly all of it: read the aggregate's version before retrying)
     * @throws IllegalStateException if the runtime is closed
     */
    Publication publish(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events);

    /** Appends and publishes one event after whatever the aggregate holds. */
    default Publication publish(AggregateRef aggregate, NewEvent event) {
        return publish(aggregate, ExpectedVersion.ANY, List.of(event));
    }

    /**
     * Appends and publishes one event made here: a random id, no metadata, occurred now by the runtime's
     * {@link io.eventsource.ports.Scheduler scheduler} clock.
     */
    Publication publish(AggregateRef aggregate, EventName name, Payload payload);
}
