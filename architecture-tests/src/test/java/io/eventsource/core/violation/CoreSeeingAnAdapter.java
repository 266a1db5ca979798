package io.eventsource.core.violation;

import io.eventsource.adapter.redis.RedisSettings;

/** Breaks: the core imports no adapter. */
public final class CoreSeeingAnAdapter {
    RedisSettings settings;
}
