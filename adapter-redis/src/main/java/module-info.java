/**
 * The {@code ServiceRegistry} on Redis through Jedis. Public face: {@code RedisModule} (Dagger) and
 * {@code RedisSettings}; the implementation stays package-private.
 */
module io.eventsource.adapter.redis {
    requires transitive io.eventsource.ports;
    // Jedis 8 is an automatic module; its name comes from its manifest, not from the file name
    requires redis.clients.jedis;
    // Jedis's client and pool-config types extend commons-pool2 types: compiling against them needs pool2 readable
    requires org.apache.commons.pool2;
    requires org.slf4j;
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated
    requires static java.compiler;

    exports io.eventsource.adapter.redis;
}
