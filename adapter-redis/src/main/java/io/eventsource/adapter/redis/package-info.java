/**
 * The {@link io.eventsource.ports.ServiceRegistry} on Redis through Jedis: {@link io.eventsource.adapter.redis.RedisModule}
 * for a Dagger component and {@link io.eventsource.adapter.redis.RedisSettings} for where Redis is. The
 * implementation itself is not public.
 */
package io.eventsource.adapter.redis;
