package io.eventsource.adapter.redis;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's lock-down of the registry with Redis ACLs, run: a user per role, limited to the namespace's keys
 * and to the commands the adapter sends. The rules here are the README's, word for word.
 */
class RedisAclIT {
    /** The README's rules for a runtime (it heart-beats, reads, and may take the relay's lease), {ns} replaced. */
    static final String RUNTIME_RULES = "on resetkeys resetchannels ~{ns}* -@all +ping +hello +auth +client|setname"
            + " +select +sadd +smembers +zadd +zrangebyscore +zremrangebyscore +pexpire +eval +hget +hset"
            + " +hgetall +hdel";
    /** The README's rules for a process that only reads (a dashboard, an admin tool). */
    static final String READER_RULES = "on resetkeys resetchannels %R~{ns}* -@all +ping +hello +auth +client|setname"
            + " +select +smembers +zrangebyscore";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Binding ADS = Binding.of("ads", "Product", "projections");

    private TestRedis redis;
    private final List<String> users = new ArrayList<>();

    @BeforeEach
    void locate() {
        redis = TestRedis.locate();
    }

    @AfterEach
    void deleteUsers() throws Exception {
        for (String user : users) {
            redis.admin().sendCommand(Protocol.Command.ACL, "DELUSER", user);
        }
        redis.close();
    }

    @Test
    void aRuntimeUserOfTheNamespaceCanDoEverythingTheRegistryDoes() {
        try (ServiceRegistry registry = registryAs(RUNTIME_RULES, redis.namespace().prefix())) {
            registry.heartbeat(List.of(ADS), T0);

            assertThat(registry.liveServices(AggregateType.of("Product"), T0)).containsExactly(ServiceName.of("ads"));
            assertThat(registry.bindings()).containsExactly(ADS);
            assertThat(registry.holdLease("relay", "instance-1", T0, Duration.ofSeconds(10))).isTrue();
            AggregateType order = AggregateType.of("Order");
            assertThat(registry.agreeTopology(order, AggregateTopology.partitioned(16)))
                    .isEqualTo(AggregateTopology.partitioned(16));
            registry.instanceHeartbeat(order, ServiceName.of("ads"), "ads-1", T0);
            assertThat(registry.liveInstances(order, ServiceName.of("ads"), T0, Duration.ofSeconds(15)))
                    .containsExactly("ads-1");
            registry.leave(order, ServiceName.of("ads"), "ads-1");
            assertThat(registry.liveInstances(order, ServiceName.of("ads"), T0, Duration.ofSeconds(15))).isEmpty();
        }
    }

    @Test
    void aReaderCanReadButNotWrite() {
        try (ServiceRegistry writer = redis.registry(ExpiryPolicy.SEED);
             ServiceRegistry reader = registryAs(READER_RULES, redis.namespace().prefix())) {
            writer.heartbeat(List.of(ADS), T0);

            assertThat(reader.liveServices(AggregateType.of("Product"), T0)).containsExactly(ServiceName.of("ads"));
            assertThat(reader.bindings()).containsExactly(ADS);
            assertThatThrownBy(() -> reader.heartbeat(List.of(Binding.of("fake", "Product", "projections")), T0))
                    .isInstanceOf(PermanentPortException.class).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> reader.holdLease("relay", "intruder", T0, Duration.ofSeconds(10)))
                    .isInstanceOf(PermanentPortException.class).hasMessageContaining("NOPERM");
        }
    }

    @Test
    void aUserOfAnotherNamespaceCannotTouchThisOne() {
        try (ServiceRegistry registry = registryAs(RUNTIME_RULES, "other-" + redis.namespace().prefix())) {
            assertThatThrownBy(() -> registry.heartbeat(List.of(ADS), T0))
                    .isInstanceOf(PermanentPortException.class).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> registry.bindings())
                    .isInstanceOf(PermanentPortException.class).hasMessageContaining("NOPERM");
        }
    }

    /** A registry under the test's namespace, connected as a new user with the rules for {@code keyNamespace}. */
    private ServiceRegistry registryAs(String rules, String keyNamespace) {
        String user = "es-it-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw@/:%" + UUID.randomUUID();
        List<String> arguments = new ArrayList<>(List.of("SETUSER", user, ">" + password));
        for (String rule : rules.replace("{ns}", keyNamespace).split(" ")) {
            arguments.add(rule);
        }
        redis.admin().sendCommand(Protocol.Command.ACL, arguments.toArray(String[]::new));
        users.add(user);
        URI uri = URI.create("redis://" + user + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@"
                + redis.uri().getRawAuthority().replaceFirst("^.*@", "") + "/0");
        return redis.registry(redis.settings().withUri(uri), ExpiryPolicy.SEED);
    }
}
