package io.eventsource.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How an aggregate queue has been used, as the broker judges its expiry: a queue is <em>unused</em>
 * while it has no consumer and is not redeclared, and is deleted, with its messages, once unused for the
 * {@link ExpiryPolicy#queueExpiry() queue expiry}. Publishing to it does not count as use. Immutable.
 *
 * @param lastUsedAt when it was last declared or last lost a consumer
 * @param consumers how many consumers it has now
 */
public record QueueUsage(Instant lastUsedAt, int consumers) {
    /**
     * A usage as last observed.
     *
     * @throws NullPointerException if {@code lastUsedAt} is null
     * @throws InvalidValueException if {@code consumers} is negative
     */
    public QueueUsage {
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        if (consumers < 0) {
            throw new InvalidValueException("QueueUsage consumers must be 0 or more, got " + consumers);
        }
    }

    /** A queue just declared. */
    public static QueueUsage declaredAt(Instant now) {
        return new QueueUsage(now, 0);
    }

    /** A (re)declare restarts the unused period. */
    public QueueUsage redeclared(Instant now) {
        return new QueueUsage(now, consumers);
    }

    /** A consumer attached at {@code now}: the queue is in use, and cannot expire, while it has one. */
    public QueueUsage consumerAdded(Instant now) {
        return new QueueUsage(now, consumers + 1);
    }

    /** The unused period of a queue starts when its last consumer goes. */
    public QueueUsage consumerRemoved(Instant now) {
        if (consumers == 0) {
            throw new IllegalStateException("no consumer to remove");
        }
        return new QueueUsage(now, consumers - 1);
    }

    /** When the queue expires if nothing else happens; empty while it has a consumer. */
    public Optional<Instant> expiresAt(Duration queueExpiry) {
        return consumers > 0 ? Optional.empty() : Optional.of(lastUsedAt.plus(queueExpiry));
    }

    /** Whether the broker deletes the queue at {@code now}: no consumer and unused for the whole expiry. */
    public boolean isExpired(Instant now, Duration queueExpiry) {
        return consumers == 0 && !now.isBefore(lastUsedAt.plus(queueExpiry));
    }
}
