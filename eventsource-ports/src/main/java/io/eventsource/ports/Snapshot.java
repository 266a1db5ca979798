package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Payload;

import java.util.Objects;

/**
 * An aggregate's state as it stood after its first {@code version} events, written down so that loading the
 * aggregate reads only the events after it. The state is opaque bytes to the store: whoever takes the snapshot
 * encodes it and decodes it again.
 *
 * @param aggregate the aggregate it is a snapshot of
 * @param version the last sequence folded into the state, 1 or more
 * @param state the encoded state, with the content type that says how to read it
 */
public record Snapshot(AggregateRef aggregate, long version, Payload state) {
    /**
     * Checks the snapshot.
     *
     * @throws NullPointerException if {@code aggregate} or {@code state} is null
     * @throws InvalidValueException if {@code version} is below 1 (an aggregate with no events has no snapshot)
     */
    public Snapshot {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(state, "state");
        if (version < 1) {
            throw new InvalidValueException("Snapshot version must be 1 or more (the last sequence in the state), got "
                    + version + " for " + aggregate);
        }
    }

    @Override
    public String toString() {
        return "Snapshot[" + aggregate + "@" + version + ", " + state + "]";
    }
}
