package io.eventsource.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * Every duration of the seed's lifecycle in one value. Defaults are the seed's: a consumer idle for
 * 5 s is cancelled, a queue unused for 30 s is deleted, services heart-beat every 5 s and count as live
 * for 30 s after their last heartbeat. Tests against a real broker shorten them (e.g. a 2 s expiry).
 *
 * @param consumerIdleTimeout an aggregate consumer that received nothing and holds nothing unacknowledged
 *                            for this long is cancelled
 * @param queueExpiry an aggregate queue with no consumer that was not redeclared for this long is deleted
 *                    (publishing does not count as use)
 * @param heartbeatInterval how often a listening service records that it is alive
 * @param livenessTtl a service is live while its last heartbeat is younger than this
 */
public record ExpiryPolicy(Duration consumerIdleTimeout, Duration queueExpiry, Duration heartbeatInterval,
                           Duration livenessTtl) {
    /** The seed's durations: 5 s idle, 30 s expiry, 5 s heartbeat, 30 s liveness. */
    public static final ExpiryPolicy SEED = new ExpiryPolicy(Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofSeconds(30));

    /**
     * Checks that the durations fit together: all positive, a consumer goes idle before its queue expires, and a
     * service heart-beats more often than its liveness runs out.
     *
     * @throws NullPointerException if a duration is null
     * @throws InvalidValueException if one of these does not hold, or the queue expiry is under 1 ms
     */
    public ExpiryPolicy {
        positive("consumerIdleTimeout", consumerIdleTimeout);
        positive("queueExpiry", queueExpiry);
        positive("heartbeatInterval", heartbeatInterval);
        positive("livenessTtl", livenessTtl);
        if (consumerIdleTimeout.compareTo(queueExpiry) >= 0) {
            throw new InvalidValueException("ExpiryPolicy consumerIdleTimeout (" + consumerIdleTimeout
                    + ") must be shorter than queueExpiry (" + queueExpiry + "), or queues would expire under live consumers' routes");
        }
        if (heartbeatInterval.compareTo(livenessTtl) >= 0) {
            throw new InvalidValueException("ExpiryPolicy heartbeatInterval (" + heartbeatInterval
                    + ") must be shorter than livenessTtl (" + livenessTtl + "), or live services would flap");
        }
        if (queueExpiry.toMillis() < 1) {
            throw new InvalidValueException("ExpiryPolicy queueExpiry must be at least 1 ms (the broker's x-expires unit), got " + queueExpiry);
        }
    }

    private static void positive(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new InvalidValueException("ExpiryPolicy " + name + " must be positive, got " + duration);
        }
    }

    /** The seed's durations. */
    public static ExpiryPolicy seed() {
        return SEED;
    }

    /** This policy with another consumer idle timeout, checked as the constructor checks it. */
    public ExpiryPolicy withConsumerIdleTimeout(Duration value) {
        return new ExpiryPolicy(value, queueExpiry, heartbeatInterval, livenessTtl);
    }

    /** This policy with another queue expiry, checked as the constructor checks it. */
    public ExpiryPolicy withQueueExpiry(Duration value) {
        return new ExpiryPolicy(consumerIdleTimeout, value, heartbeatInterval, livenessTtl);
    }

    /** This policy with another heartbeat interval, checked as the constructor checks it. */
    public ExpiryPolicy withHeartbeatInterval(Duration value) {
        return new ExpiryPolicy(consumerIdleTimeout, queueExpiry, value, livenessTtl);
    }

    /** This policy with another liveness TTL, checked as the constructor checks it. */
    public ExpiryPolicy withLivenessTtl(Duration value) {
        return new ExpiryPolicy(consumerIdleTimeout, queueExpiry, heartbeatInterval, value);
    }

    /**
     * How long a producer may trust that a route it declared still exists: a third of the queue expiry,
     * well within it, because publishing does not keep a queue alive, only a consumer or a redeclare does.
     */
    public Duration routeCacheTtl() {
        return queueExpiry.dividedBy(3);
    }
}
