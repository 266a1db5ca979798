package io.eventsource.adapter.redis;

import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.tck.services.RealService;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The real Redis of one test: a fresh namespace, registries under it, a plain client to look at the keys,
 * and at the end every key under the namespace deleted and every registry closed.
 */
final class TestRedis implements AutoCloseable {
    private final URI uri;
    private final Namespace namespace;
    private final RedisClient admin;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private TestRedis(URI uri) {
        this.uri = uri;
        this.namespace = Namespace.of("it_" + UUID.randomUUID().toString().substring(0, 8) + ".");
        this.admin = RedisClient.create(uri);
    }

    /** The Redis that {@link RealService#REDIS} finds (skipping, or failing under CI, when there is none). */
    static TestRedis locate() {
        return new TestRedis(RealService.REDIS.locate());
    }

    /** The same Redis, another database: for tests that flush a whole database. */
    TestRedis inDatabase(int database) {
        return new TestRedis(URI.create("redis://" + uri.getRawAuthority() + "/" + database));
    }

    URI uri() {
        return uri;
    }

    Namespace namespace() {
        return namespace;
    }

    RedisSettings settings() {
        return RedisSettings.local(namespace).withUri(uri);
    }

    RedisClient admin() {
        return admin;
    }

    /** A registry (one more instance of a service, say) under this test's namespace; closed with this. */
    JedisServiceRegistry registry(ExpiryPolicy expiry) {
        return registry(settings(), expiry);
    }

    JedisServiceRegistry registry(RedisSettings settings, ExpiryPolicy expiry) {
        JedisServiceRegistry registry = new JedisServiceRegistry(settings, expiry);
        opened.add(registry);
        return registry;
    }

    /** The keys under this test's namespace, sorted. */
    Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        ScanParams params = new ScanParams().match(namespace.prefix() + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = admin.scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    /** Deletes every key under this test's namespace: what a restart without persistence does to them. */
    void deleteKeys() {
        Set<String> keys = keys();
        if (!keys.isEmpty()) {
            admin.del(keys.toArray(String[]::new));
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable registry : opened) {
            registry.close();
        }
        try (admin) {
            deleteKeys();
        }
    }
}
