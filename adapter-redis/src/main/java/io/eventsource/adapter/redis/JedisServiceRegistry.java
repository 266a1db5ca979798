package io.eventsource.adapter.redis;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.Leases;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ZAddParams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The registry in Redis, under the namespace {@code ns}:
 * <ul>
 *   <li>{@code {ns}eventsourceServices}: a set of the registered bindings, each as {@code service:Type:projection}
 *       (none of the three may contain a colon);</li>
 *   <li>{@code {ns}{Type}ServicesHealthChecks}: a sorted set of the type's services scored by their last
 *       heartbeat in epoch milliseconds (liveness is exact to the millisecond), so that the instances of a
 *       service share one member and the live services are one range query; members dead for two liveness TTLs
 *       are trimmed by the heartbeats.</li>
 * </ul>
 * Every heartbeat re-adds what it carries and resets both keys' time to live to the liveness TTL, so a
 * Redis restart is healed by the next heartbeat and the keys vanish when every listener is gone.
 */
final class JedisServiceRegistry implements ServiceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(JedisServiceRegistry.class);
    private static final String SEPARATOR = ":";
    /**
     * Takes or renews the lease unless another holder's runs past the caller's now; 1 if the caller holds it
     * after. ARGV: holder, now, until (epoch ms), the key's time to live (ms, only to clean up).
     */
    private static final String HOLD_LEASE = "local holder = redis.call('HGET', KEYS[1], 'holder') "
            + "local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') "
            + "if holder and holder ~= ARGV[1] and untilMs > tonumber(ARGV[2]) then return 0 end "
            + "redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'until', ARGV[3]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[4]) return 1";

    private final UnifiedJedis redis;
    private final Topology topology;
    private final Duration livenessTtl;
    private final String description;

    @Inject
    JedisServiceRegistry(RedisSettings settings, ExpiryPolicy expiry) {
        this(connect(settings), settings.namespace(), expiry, settings.redactedUri());
    }

    /** Takes ownership of the client: {@link #close()} closes it. */
    JedisServiceRegistry(UnifiedJedis redis, Namespace namespace, ExpiryPolicy expiry, String description) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.topology = Topology.of(namespace);
        this.livenessTtl = Objects.requireNonNull(expiry, "expiry").livenessTtl();
        this.description = Objects.requireNonNull(description, "description");
    }

    /** A pooled client; it connects lazily, so an unreachable server shows at the first call, as a transient failure. */
    static RedisClient connect(RedisSettings settings) {
        var pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        // a caller waits for a free connection no longer than for a reply
        pool.setMaxWait(settings.socketTimeout());
        var client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) settings.connectTimeout().toMillis())
                .socketTimeoutMillis((int) settings.socketTimeout().toMillis())
                .clientName("eventsource-registry");
        try {
            // fromURI adds host, port, credentials, database and TLS to the client config set before it
            return RedisClient.builder()
                    .clientConfig(client.build())
                    .fromURI(settings.uri())
                    .poolConfig(pool)
                    .build();
        } catch (JedisException | IllegalArgumentException e) {
            throw new InvalidValueException("Redis client for " + settings.redactedUri() + " could not be made: "
                    + e.getMessage());
        }
    }

    @Override
    public void heartbeat(Collection<Binding> bindings, Instant at) {
        Objects.requireNonNull(bindings, "bindings");
        Objects.requireNonNull(at, "at");
        if (bindings.isEmpty()) {
            return;
        }
        // per type, the services heart-beating for it (several bindings of one service share one member)
        Map<AggregateType, Map<String, Double>> beats = new LinkedHashMap<>();
        List<String> members = new ArrayList<>(bindings.size());
        for (Binding binding : bindings) {
            Objects.requireNonNull(binding, "binding");
            members.add(encode(binding));
            beats.computeIfAbsent(binding.type(), type -> new LinkedHashMap<>())
                    .put(binding.service().value(), (double) at.toEpochMilli());
        }
        long ttlMillis = livenessTtl.toMillis();
        // members older than two TTLs are dead for every caller whose clock is within one TTL of ours
        long staleBefore = at.minus(livenessTtl.multipliedBy(2)).toEpochMilli();
        run("record a heartbeat of " + bindings, () -> {
            List<Response<?>> replies = new ArrayList<>();
            // one round trip: the pipeline is written at once and its replies read at once
            try (AbstractPipeline pipeline = redis.pipelined()) {
                String servicesKey = topology.servicesKey();
                replies.add(pipeline.sadd(servicesKey, members.toArray(String[]::new)));
                replies.add(pipeline.pexpire(servicesKey, ttlMillis));
                for (Map.Entry<AggregateType, Map<String, Double>> beat : beats.entrySet()) {
                    String healthKey = topology.healthChecksKey(beat.getKey());
                    // GT: a late or skewed instance never moves a service's last heartbeat back
                    replies.add(pipeline.zadd(healthKey, beat.getValue(), ZAddParams.zAddParams().gt()));
                    replies.add(pipeline.zremrangeByScore(healthKey, "-inf", "(" + staleBefore));
                    replies.add(pipeline.pexpire(healthKey, ttlMillis));
                }
                pipeline.sync();
            }
            for (Response<?> reply : replies) {
                reply.get(); // throws the server's error, e.g. WRONGTYPE
            }
            return null;
        });
    }

    @Override
    public Set<ServiceName> liveServices(AggregateType type, Instant now) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(now, "now");
        // live while now - last < ttl, i.e. last > now - ttl: an exclusive lower bound
        String youngerThan = "(" + now.minus(livenessTtl).toEpochMilli();
        List<String> names = run("read the live services of " + type,
                () -> redis.zrangeByScore(topology.healthChecksKey(type), youngerThan, "+inf"));
        Set<ServiceName> live = new LinkedHashSet<>();
        for (String name : names) {
            try {
                live.add(ServiceName.of(name));
            } catch (InvalidValueException e) {
                LOG.warn("Ignoring member \"{}\" of {} on {}: not a service name ({})", name,
                        topology.healthChecksKey(type), description, e.getMessage());
            }
        }
        return Collections.unmodifiableSet(live);
    }

    @Override
    public Set<Binding> bindings() {
        Set<String> members = run("read the registered bindings", () -> redis.smembers(topology.servicesKey()));
        Set<Binding> bindings = new LinkedHashSet<>();
        for (String member : members) {
            Binding binding = decode(member);
            if (binding != null) {
                bindings.add(binding);
            }
        }
        return Collections.unmodifiableSet(bindings);
    }

    @Override
    public boolean holdLease(String lease, String holder, Instant now, Duration ttl) {
        Leases.check(lease, holder, ttl);
        Objects.requireNonNull(now, "now");
        String key = topology.leaseKey(lease);
        // the caller's clock decides, as it does for liveness, so that a virtual clock drives leases in tests
        long nowMillis = now.toEpochMilli();
        long ttlMillis = Math.max(1, ttl.toMillis());
        Object held = run("hold the lease " + key, () -> redis.eval(HOLD_LEASE, List.of(key), List.of(holder,
                Long.toString(nowMillis), Long.toString(nowMillis + ttlMillis), Long.toString(2 * ttlMillis))));
        return Long.valueOf(1).equals(held);
    }

    @Override
    public void close() {
        try {
            redis.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the Redis client of {} failed", description, e);
        }
    }

    @Override
    public String toString() {
        return "JedisServiceRegistry[" + description + ", namespace=" + topology.namespace() + "]";
    }

    static String encode(Binding binding) {
        return binding.service().value() + SEPARATOR + binding.type().value() + SEPARATOR + binding.projection().value();
    }

    private Binding decode(String member) {
        String[] parts = member.split(SEPARATOR, -1);
        if (parts.length == 3) {
            try {
                return Binding.of(parts[0], parts[1], parts[2]);
            } catch (InvalidValueException e) {
                LOG.warn("Ignoring member \"{}\" of {} on {}: {}", member, topology.servicesKey(), description,
                        e.getMessage());
                return null;
            }
        }
        LOG.warn("Ignoring member \"{}\" of {} on {}: not service:Type:projection", member, topology.servicesKey(),
                description);
        return null;
    }

    private <T> T run(String what, RedisCall<T> call) {
        try {
            return call.run();
        } catch (JedisException e) {
            throw RedisFailures.translate("Could not " + what + " on Redis at " + description, e);
        }
    }

    @FunctionalInterface
    private interface RedisCall<T> {
        T run();
    }
}
