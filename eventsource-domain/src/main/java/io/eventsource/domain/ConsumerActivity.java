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
    public ConsumerActivity {
        Objects.requireNonNull(lastActiveAt, "lastActiveAt");
        if (inFlight < 0) {
            throw new InvalidValueException("ConsumerActivity inFlight must be 0 or more, got " + inFlight);
        }
    }

    public static ConsumerActivity startedAt(Instant now) {
        return new ConsumerActivity(now, 0);
    }

    public ConsumerActivity received(Instant now) {
        return new ConsumerActivity(now, inFlight + 1);
    }

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
