package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.ports.TransientPortException;

import java.time.Duration;

/**
 * A publish could not write its events to the event log within the publish deadline: nothing was written (an
 * append whose outcome was unknown was tried again and not found written). Publishing the same events again later
 * is safe: the log recognises them by their ids.
 */
public final class EventLogUnavailableException extends TransientPortException {
    private static final long serialVersionUID = 1L;

    EventLogUnavailableException(AggregateRef aggregate, int events, Duration deadline, Throwable cause) {
        super("could not append " + events + " event(s) to " + aggregate + " within " + deadline
                + "; nothing was written, publish them again later: " + cause.getMessage(), cause);
    }
}
