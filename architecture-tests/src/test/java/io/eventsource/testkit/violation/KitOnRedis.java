package io.eventsource.testkit.violation;

import io.eventsource.adapter.redis.RedisSettings;

/** Breaks: the test kit runs on the in-memory adapter only. */
public final class KitOnRedis {
    RedisSettings settings;
}
