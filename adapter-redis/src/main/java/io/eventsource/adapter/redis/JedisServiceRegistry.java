package io.eventsource.adapter.redis;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.Instances;
import io.eventsource.ports.Leases;
import io.eventsource.ports.PermanentPortException;
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
 *   <li>{@code {ns}eventsourceTopologies}: a hash of each type's recorded topology, as
 *       {@link AggregateTopology#describe()} text under the type's name; it never expires: it is the namespace's
 *       record of how every type travels.</li>
 *   <li>{@code {ns}{Type}Instances-{service}}: a hash of the service's instances on the type, each with its last
 *       heartbeat in epoch milliseconds; fields dead for two of the reader's TTLs are dropped when the instances are
 *       read, and the key expires {@link #INSTANCES_KEY_LIFETIME} after the last heartbeat of any instance.</li>
 * </ul>
 * Every heartbeat re-adds what it carries and resets the first two keys' time to live to the liveness TTL, so a
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
    /** Records ARGV[2] for type ARGV[1] unless the type has a topology already; returns the recorded one. */
    private static final String AGREE_TOPOLOGY = "local recorded = redis.call('HGET', KEYS[1], ARGV[1]) "
            + "if recorded then return recorded end "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return ARGV[2]";
    /**
     * Sets instance ARGV[1]'s heartbeat to ARGV[2] (epoch ms) unless it is later already (or unreadable, then it is
     * overwritten), and the key's time to live to ARGV[3] ms.
     */
    private static final String INSTANCE_HEARTBEAT =
            "local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '') "
            + "if not last or last < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1";
    /**
     * Every instance and its heartbeat, as a flat list; drops those whose heartbeat is at or before ARGV[1] (epoch
     * ms: dead for two of the reader's TTLs) first.
     */
    private static final String LIVE_INSTANCES = "local all = redis.call('HGETALL', KEYS[1]) local kept = {} "
            + "for i = 1, #all, 2 do local at = tonumber(all[i + 1]) "
            + "if at and at <= tonumber(ARGV[1]) then redis.call('HDEL', KEYS[1], all[i]) "
            + "else kept[#kept + 1] = all[i] kept[#kept + 1] = all[i + 1] end end return kept";
    /**
     * How long an instances key lives after the last heartbeat of any of its instances: so that a service that is
     * gone for good leaves nothing behind, and far longer than any TTL a reader asks about.
     */
    static final Duration INSTANCES_KEY_LIFETIME = Duration.ofDays(1);

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
    public AggregateTopology agreeTopology(AggregateType type, AggregateTopology proposed) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(proposed, "proposed");
        String key = topology.topologiesKey();
        // one script: the check and the write are atomic, so concurrent proposals get the same answer
        Object recorded = run("agree on the topology of " + type, () -> redis.eval(AGREE_TOPOLOGY, List.of(key),
                List.of(type.value(), proposed.describe())));
        String text = String.valueOf(recorded);
        try {
            return AggregateTopology.parse(text);
        } catch (InvalidValueException e) {
            throw new PermanentPortException("The topology recorded for " + type + " in field \"" + type.value()
                    + "\" of " + key + " on Redis at " + description + " is unreadable (" + e.getMessage()
                    + "); correct or delete the field, then restart the processes of the namespace");
        }
    }

    @Override
    public void instanceHeartbeat(AggregateType type, ServiceName service, String instance, Instant at) {
        String key = instancesKey(type, service);
        Instances.check(instance);
        Objects.requireNonNull(at, "at");
        run("record a heartbeat of instance " + instance + " of " + service + " on " + type,
                () -> redis.eval(INSTANCE_HEARTBEAT, List.of(key), List.of(instance,
                        Long.toString(at.toEpochMilli()), Long.toString(INSTANCES_KEY_LIFETIME.toMillis()))));
    }

    @Override
    public List<String> liveInstances(AggregateType type, ServiceName service, Instant now, Duration ttl) {
        String key = instancesKey(type, service);
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(ttl, "ttl");
        long nowMillis = now.toEpochMilli();
        // live while now - last < ttl, as liveServices; dead for two TTLs is dead for every reader within one TTL of us
        long youngerThan = nowMillis - ttl.toMillis();
        long forgetAtOrBefore = nowMillis - 2 * ttl.toMillis();
        Object reply = run("read the live instances of " + service + " on " + type,
                () -> redis.eval(LIVE_INSTANCES, List.of(key), List.of(Long.toString(forgetAtOrBefore))));
        List<?> flat = reply instanceof List<?> list ? list : List.of();
        List<String> live = new ArrayList<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String instance = String.valueOf(flat.get(i));
            Long last = epochMillis(flat.get(i + 1));
            if (last == null) {
                LOG.warn("Ignoring field \"{}\" of {} on {}: its heartbeat \"{}\" is not epoch milliseconds", instance,
                        key, description, flat.get(i + 1));
            } else if (last > youngerThan) {
                live.add(instance);
            }
        }
        live.sort(null);
        return Collections.unmodifiableList(live);
    }

    @Override
    public void leave(AggregateType type, ServiceName service, String instance) {
        String key = instancesKey(type, service);
        Instances.check(instance);
        run("forget instance " + instance + " of " + service + " on " + type, () -> redis.hdel(key, instance));
    }

    private String instancesKey(AggregateType type, ServiceName service) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        return topology.instancesKey(type, service);
    }

    private static Long epochMillis(Object value) {
        try {
            return Long.valueOf(String.valueOf(value));
        } catch (NumberFormatException e) {
            return null;
        }
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
