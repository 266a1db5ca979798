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
 *
 * <p>Security: {@code rediss://} connects with TLS; the password in the URI is never printed. Under Redis ACLs the
 * registry needs the keys {@code {ns}*} and the commands {@code sadd smembers zadd zrangebyscore zremrangebyscore
 * pexpire eval hget hset} (the lease is a script of {@code hget hset pexpire}), plus {@code ping hello auth
 * client|setname select} to connect; a process that only reads needs {@code smembers zrangebyscore}. A refused
 * command is a {@link io.eventsource.ports.PermanentPortException} that names it ({@code NOPERM}).
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
