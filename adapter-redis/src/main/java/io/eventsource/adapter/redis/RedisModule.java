package io.eventsource.adapter.redis;

import dagger.Binds;
import dagger.Module;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

import java.util.Objects;

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
 *
 * <p>Without Dagger, {@link #serviceRegistry(RedisSettings, ExpiryPolicy)} makes the same registry.
 */
@Module
public abstract class RedisModule {
    private RedisModule() {
    }

    /**
     * The registry on the settings' Redis, with a connection pool of its own, where no component is composed (a
     * Spring Boot application, a script): give it the runtime's expiry (whose liveness TTL it uses) and close it
     * after the runtime.
     */
    public static ServiceRegistry serviceRegistry(RedisSettings settings, ExpiryPolicy expiry) {
        return new JedisServiceRegistry(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(expiry, "expiry"));
    }

    // the registry makes and owns its Jedis client, so that no redis.clients type appears in a component's graph
    @Binds
    @Singleton
    abstract ServiceRegistry serviceRegistry(JedisServiceRegistry registry);
}
