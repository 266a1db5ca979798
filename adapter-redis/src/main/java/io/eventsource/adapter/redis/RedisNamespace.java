package io.eventsource.adapter.redis;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.ports.PortException;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A namespace's keys in Redis (the registry's bindings, health checks and leases), for an operator's tool that lists
 * or removes them (the admin CLI). Keys are found with {@code SCAN ... MATCH {prefix}*}: a namespace's prefix ends in
 * its only {@code .}, so no other namespace's key starts with it. Refuses the empty namespace, whose keys cannot be
 * told from other applications' keys. Failures cross as {@link PortException}s whose messages hold no password.
 */
public final class RedisNamespace {
    private static final int SCAN_COUNT = 500;

    private final RedisSettings settings;

    private RedisNamespace(RedisSettings settings) {
        this.settings = settings;
    }

    /**
     * The namespace of these settings.
     *
     * @throws InvalidValueException if the settings have no namespace
     */
    public static RedisNamespace of(RedisSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (settings.namespace().prefix().isEmpty()) {
            throw new InvalidValueException("RedisNamespace needs a namespace: without one, the registry's keys cannot "
                    + "be told from other keys of the database");
        }
        return new RedisNamespace(settings);
    }

    /**
     * The namespace's keys, sorted.
     *
     * @throws PortException if Redis cannot be reached or refuses
     */
    public List<String> keys() {
        return run("list the keys of " + settings.namespace(), this::scan);
    }

    /**
     * Deletes the namespace's keys.
     *
     * @return the keys deleted, sorted
     * @throws PortException if Redis cannot be reached or refuses; keys deleted before stay deleted
     */
    public List<String> deleteKeys() {
        return run("delete the keys of " + settings.namespace(), redis -> {
            List<String> keys = scan(redis);
            if (!keys.isEmpty()) {
                redis.del(keys.toArray(String[]::new));
            }
            return keys;
        });
    }

    private static List<String> scan(RedisClient redis, String prefix) {
        ScanParams params = new ScanParams().match(glob(prefix) + "*").count(SCAN_COUNT);
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return keys.stream().distinct().sorted().toList();
    }

    /** The prefix with Redis's glob characters escaped (a namespace has none, but the rule is cheap). */
    private static String glob(String prefix) {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private <T> T run(String what, RedisWork<T> work) {
        try (RedisClient redis = JedisServiceRegistry.connect(settings.withPoolSize(1))) {
            return work.run(redis);
        } catch (JedisException e) {
            throw RedisFailures.translate("Could not " + what + " on Redis at " + settings.redactedUri(), e);
        }
    }

    private List<String> scan(RedisClient redis) {
        return scan(redis, settings.namespace().prefix());
    }

    /** Work with one client. */
    private interface RedisWork<T> {
        T run(RedisClient redis);
    }
}
