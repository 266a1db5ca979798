package io.eventsource.adapter.redis;

import dagger.Binds;
import dagger.Module;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

/**
 * The Redis adapter for a Dagger component: provides the {@link ServiceRegistry} on the Redis that a
 * {@link RedisSettings} names (e.g. {@link RedisSettings#fromEnvironment()}). The component supplies the
 * {@code RedisSettings} and the {@link io.eventsource.domain.ExpiryPolicy} (whose liveness TTL the registry
 * uses), e.g. with {@code @BindsInstance}, and is {@code @Singleton}: one registry, one connection pool.
 * Closing the registry closes its connections.
 */
@Module
public abstract class RedisModule {
    private RedisModule() {
    }

    // the registry makes and owns its Jedis client, so that no redis.clients type appears in a component's graph
    @Binds
    @Singleton
    abstract ServiceRegistry serviceRegistry(JedisServiceRegistry registry);
}
