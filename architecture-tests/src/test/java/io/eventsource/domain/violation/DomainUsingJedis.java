package io.eventsource.domain.violation;

import redis.clients.jedis.UnifiedJedis;

/** Breaks: the domain depends on the JDK only; the Redis client is the Redis adapter's business. */
public final class DomainUsingJedis {
    public String ping(UnifiedJedis redis) {
        return redis.ping();
    }
}
