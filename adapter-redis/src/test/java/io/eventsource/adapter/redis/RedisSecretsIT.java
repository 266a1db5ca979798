package io.eventsource.adapter.redis;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.TransientPortException;
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
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * No password reaches a message, a log line or a {@code toString}, whatever its characters and whatever the URI
 * looks like: every path that can print one is taken with passwords holding {@code @ / : %}, with everything
 * printed captured (slf4j-simple writes to System.err; Jedis logs at debug here).
 */
class RedisSecretsIT {
    /** Each holds a marker ("Zq7") that appears nowhere else, and the characters that break URI parsing. */
    private static final List<String> PASSWORDS = List.of("Zq7@x/Y:9%w", "@/:%Zq7", "Zq7%40%2F%3A%25", "Zq7:@@//%%");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Binding ADS = Binding.of("ads", "Product", "projections");

    private TestRedis redis;
    private final List<String> users = new ArrayList<>();

    @BeforeEach
    void locate() {
        redis = TestRedis.locate();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String user : users) {
            redis.admin().sendCommand(Protocol.Command.ACL, "DELUSER", user);
        }
        redis.close();
    }

    @Test
    void everyShapeOfAddressIsRefusedOrShownWithoutItsPassword() {
        try (CapturedOutput output = CapturedOutput.start()) {
            for (String password : PASSWORDS) {
                String encoded = encode(password);
                for (String text : List.of(
                        "redis://app:" + password + "@cache:6379/0",     // unencoded @ / : %
                        "redis://:" + password + "@cache:6379",
                        "redis://app:" + encoded + "@my_cache:6379",      // a host with '_'
                        "redis://app:" + encoded + "@cache:63a9",         // a port that is not a number
                        "redis://app:" + encoded + "@:6379",              // no host
                        "redis://app:" + encoded + "@/0",
                        "redis://app:" + password + "@my_cache:63a9/x",
                        "rediss://app:" + encoded + "@cache:6379/cache",  // a database that is not a number
                        "http://app:" + encoded + "@cache:6379",
                        "app:" + encoded + "@cache:6379",                 // no scheme
                        "redis://app:" + encoded + "@cache:6379/0",       // valid
                        "rediss://:" + encoded + "@cache")) {
                    List<Object> printed = new ArrayList<>();
                    printed.add(catchThrowable(() -> RedisSettings.parseUri(text)));
                    Throwable fromEnvironment = catchThrowable(() -> printed.add(RedisSettings.fromEnvironment(
                            Map.of(RedisSettings.URI_VARIABLE, text))));
                    printed.add(fromEnvironment);
                    URI uri = parseOrNull(text);
                    if (uri != null) {
                        printed.add(catchThrowable(() -> printed.add(RedisSettings.local(redis.namespace()).withUri(uri))));
                    }
                    for (Object shown : printed) {
                        if (shown instanceof Throwable failure) {
                            assertThat(failure).as(text).isInstanceOf(InvalidValueException.class);
                            assertNoSecret(CapturedOutput.printed(failure), password);
                        } else if (shown instanceof RedisSettings settings) {
                            assertNoSecret(settings.toString(), password);
                            assertNoSecret(settings.redactedUri(), password);
                            assertNoSecret(List.of(settings).toString(), password);
                        }
                    }
                }
            }
            assertNoSecret(output.text());
        }
    }

    @Test
    void anUnreachableServerOrAWrongPasswordFailsWithoutShowingThePassword() {
        try (CapturedOutput output = CapturedOutput.start()) {
            for (String password : PASSWORDS) {
                // nothing listens on port 1
                assertFailure("redis://app:" + encode(password) + "@127.0.0.1:1/0", password, TransientPortException.class);
                // a user the server does not know
                assertFailure("redis://es-nobody-" + UUID.randomUUID().toString().substring(0, 8) + ":" + encode(password)
                        + "@" + hostAndPort() + "/0", password, PermanentPortException.class);
                // a host that does not resolve
                assertFailure("redis://app:" + encode(password) + "@cache-" + UUID.randomUUID() + ".invalid:6379/0",
                        password, TransientPortException.class);
            }
            assertNoSecret(output.text());
        }
    }

    @Test
    void aRegistryThatWorksPrintsNoPasswordInItsLogLines() {
        try (CapturedOutput output = CapturedOutput.start()) {
            for (String password : PASSWORDS) {
                String user = "es-it-" + UUID.randomUUID().toString().substring(0, 8);
                List<String> rules = new ArrayList<>(List.of("SETUSER", user, ">" + password));
                rules.addAll(List.of(RedisAclIT.RUNTIME_RULES.replace("{ns}", redis.namespace().prefix()).split(" ")));
                redis.admin().sendCommand(Protocol.Command.ACL, rules.toArray(String[]::new));
                users.add(user);
                RedisSettings settings = redis.settings().withUri(
                        URI.create("redis://" + user + ":" + encode(password) + "@" + hostAndPort() + "/0"));
                try (ServiceRegistry registry = new JedisServiceRegistry(settings, ExpiryPolicy.SEED)) {
                    registry.heartbeat(List.of(ADS), T0);
                    assertThat(registry.bindings()).containsExactly(ADS);
                    // a member that is not service:Type:projection is logged, with the registry's address
                    redis.admin().sadd(redis.namespace().apply("eventsourceServices"), "not-a-binding");
                    assertThat(registry.bindings()).containsExactly(ADS);
                    assertThat(registry.liveServices(AggregateType.of("Product"), T0)).hasSize(1);
                    assertThat(registry.holdLease("relay", "me", T0, Duration.ofSeconds(5))).isTrue();
                    assertNoSecret(registry.toString(), password);
                }
                redis.deleteKeys();
            }
            String printed = output.text();
            assertThat(printed).as("the registry's warning was captured").contains("not-a-binding");
            assertNoSecret(printed);
        }
    }

    private void assertFailure(String uri, String password, Class<? extends PortException> kind) {
        RedisSettings settings = redis.settings().withUri(URI.create(uri))
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500));
        assertNoSecret(settings.toString(), password);
        try (ServiceRegistry registry = new JedisServiceRegistry(settings, ExpiryPolicy.SEED)) {
            assertNoSecret(registry.toString(), password);
            for (Runnable call : List.<Runnable>of(() -> registry.heartbeat(List.of(ADS), T0), registry::bindings,
                    () -> registry.liveServices(AggregateType.of("Product"), T0),
                    () -> registry.holdLease("relay", "me", T0, Duration.ofSeconds(5)))) {
                assertThatThrownBy(call::run).as(uri).isInstanceOf(kind)
                        .satisfies(failure -> assertNoSecret(CapturedOutput.printed(failure), password));
            }
        }
    }

    private String hostAndPort() {
        return redis.uri().getRawAuthority().replaceFirst("^.*@", "");
    }

    private static URI parseOrNull(String text) {
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String encode(String password) {
        return URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    private static void assertNoSecret(String text) {
        for (String password : PASSWORDS) {
            assertNoSecret(text, password);
        }
    }

    private static void assertNoSecret(String text, String password) {
        assertThat(text).doesNotContain(password).doesNotContain(encode(password)).doesNotContain("Zq7");
    }
}
