package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.InvalidValueException;

import java.time.Duration;
import java.util.Objects;

/**
 * How far a binding is behind the log, as {@link LagReader} measured it: the newest log position of the binding's
 * aggregate type minus the binding's checkpoint (the position at or below which it has nothing left to do), and the
 * age of the oldest event after the checkpoint that the binding has no ack for.
 *
 * @param binding          the binding measured
 * @param checkpoint       its checkpoint, 0 if none was saved
 * @param newestPosition   the position of the newest event of its type, 0 if the type has none
 * @param oldestUnackedAge how long ago the oldest event after the checkpoint that the binding has no ack for
 *                         occurred; zero when it has an ack for every one
 */
public record BindingLag(Binding binding, long checkpoint, long newestPosition, Duration oldestUnackedAge) {

    /** Checks the values. */
    public BindingLag {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(oldestUnackedAge, "oldestUnackedAge");
        if (checkpoint < 0 || newestPosition < 0) {
            throw new InvalidValueException("log positions are 0 or more; got checkpoint " + checkpoint
                    + " and newest position " + newestPosition + " for " + binding);
        }
        if (oldestUnackedAge.isNegative()) {
            throw new InvalidValueException("an age is zero or more; got " + oldestUnackedAge + " for " + binding);
        }
    }

    /**
     * The lag in log positions: the newest position of the type minus the checkpoint, 0 when the checkpoint is at
     * or past it. Positions count the whole log, so on a log shared by several types this is an upper bound of the
     * binding's events still to handle.
     */
    public long events() {
        return Math.max(0, newestPosition - checkpoint);
    }
}
