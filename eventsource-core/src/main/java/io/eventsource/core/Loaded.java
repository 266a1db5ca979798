package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.InvalidValueException;

import java.util.Objects;

/**
 * An aggregate's state as an {@link AggregateRepository} loaded (or saved) it, with the version it stands at: what
 * to decide on, and what {@link AggregateRepository#save} checks against the log.
 *
 * @param aggregate the aggregate
 * @param state the state after the first {@code version} events, as the repository's apply function made it
 * @param version the last sequence folded into the state; 0 for an aggregate with no events yet
 * @param <S> the type of the state
 */
public record Loaded<S>(AggregateRef aggregate, S state, long version) {
    /**
     * Checks the parts.
     *
     * @throws NullPointerException if {@code aggregate} or {@code state} is null
     * @throws InvalidValueException if {@code version} is negative
     */
    public Loaded {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(state, "state");
        if (version < 0) {
            throw new InvalidValueException("Loaded version must be 0 (no events yet) or the last"
                    + " sequence folded into the state, got " + version + " for " + aggregate);
        }
    }

    /** Whether the aggregate has no events yet: its state is the repository's initial state. */
    public boolean isNew() {
        return version == 0;
    }
}
