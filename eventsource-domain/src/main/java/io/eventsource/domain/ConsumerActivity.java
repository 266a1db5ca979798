package io.eventsource.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What an aggregate consumer has been doing, to judge whether it is idle: a consumer that received
 * nothing and settled nothing for the {@link ExpiryPolicy#consumerIdleTimeout() idle timeout}, and holds
 * no unsettled message, is cancelled (the seed's 5 s). A consumer still working through a message is
 * never idle, however long the handler takes. Immutable.
 *
 * @param lastActiveAt when it started, last received or last settled (acked or requeued) a message
 * @param inFlight messages received and not yet settled
 */
public record ConsumerActivity(Instant lastActiveAt, int inFlight) {
    /**
     * An activity as last observed.
     *
     * @throws NullPointerException if {@code lastActiveAt} is null
     * @throws InvalidValueException if {@code inFlight} is negative
     */
    public ConsumerActivity {
        Objects.requireNonNull(lastActiveAt, "lastActiveAt");
        if (inFlight < 0) {
            throw new InvalidValueException("ConsumerActivity inFlight must be 0 or more, got " + inFlight);
        }
    }

    /** A consumer that started at {@code now} holding no message: its idle period starts now. */
    public static ConsumerActivity startedAt(Instant now) {
        return new ConsumerActivity(now, 0);
    }

    /** The activity after a message is received at {@code now}: one more in flight, and the idle period restarts. */
    public ConsumerActivity received(Instant now) {
        return new ConsumerActivity(now, inFlight + 1);
    }

    /**
     * The activity after a message is settled (acked or requeued) at {@code now}: one fewer in flight, and the
     * idle period restarts.
     *
     * @throws IllegalStateException if no message is in flight
     */
    public ConsumerActivity settled(Instant now) {
        if (inFlight == 0) {
            throw new IllegalStateException("no message in flight to settle");
        }
        return new ConsumerActivity(now, inFlight - 1);
    }

    /** When the consumer becomes idle if nothing else happens: its last activity plus the idle timeout. */
    public Instant idleAt(Duration idleTimeout) {
        return lastActiveAt.plus(idleTimeout);
    }

    /** Whether the consumer is to be cancelled at {@code now}. */
    public boolean isIdle(Instant now, Duration idleTimeout) {
        return inFlight == 0 && !now.isBefore(idleAt(idleTimeout));
    }
}
