package io.eventsource.adapter.redis;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisSettingsTest {

    @Test
    void defaultsToTheLocalRedisWithoutNamespace() {
        RedisSettings settings = RedisSettings.fromEnvironment(Map.of());

        assertThat(settings.uri()).isEqualTo(URI.create("redis://127.0.0.1:6379"));
        assertThat(settings.namespace()).isEqualTo(Namespace.NONE);
        assertThat(settings.poolSize()).isEqualTo(RedisSettings.DEFAULT_POOL_SIZE);
    }

    @Test
    void readsTheAddressAndNamespaceFromTheEnvironment() {
        RedisSettings settings = RedisSettings.fromEnvironment(Map.of(
                "EVENTSOURCE_REDIS_URI", " redis://cache.internal:6380/2 ", "EVENTSOURCE_NAMESPACE", "staging."));

        assertThat(settings.uri()).isEqualTo(URI.create("redis://cache.internal:6380/2"));
        assertThat(settings.namespace()).isEqualTo(Namespace.of("staging."));
    }

    @Test
    void fillsInTheDefaultPort() {
        assertThat(RedisSettings.local(Namespace.NONE).withUri(URI.create("rediss://user:secret@cache/1")).uri())
                .isEqualTo(URI.create("rediss://user:secret@cache:6379/1"));
    }

    @Test
    void refusesAnAddressThatIsNotRedisAndSaysWhatIsAllowed() {
        assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("EVENTSOURCE_REDIS_URI", "http://127.0.0.1:6379")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("EVENTSOURCE_REDIS_URI")
                .hasMessageContaining("redis://[user:password@]host[:port][/database]")
                .hasMessageContaining("scheme \"http\" is not redis or rediss");
    }

    @Test
    void refusesAPortThatIsNotANumber() {
        assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("EVENTSOURCE_REDIS_URI", "redis://127.0.0.1:63a9")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"127.0.0.1:63a9\" is not host[:port]");
    }

    @Test
    void refusesTextThatIsNoUriAtAll() {
        assertThatThrownBy(() -> RedisSettings.parseUri("redis://127.0.0.1:6379/ 0"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("Illegal character in path at index 23");
        assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("EVENTSOURCE_REDIS_URI", "127.0.0.1:6379")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("no scheme (did you mean redis://127.0.0.1:6379?)");
    }

    @Test
    void refusesADatabaseThatIsNotANumber() {
        assertThatThrownBy(() -> RedisSettings.local(Namespace.NONE).withUri(URI.create("redis://localhost:6379/cache")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("the path \"/cache\" is not a database number");
    }

    @Test
    void refusesABadNamespaceNamingTheVariable() {
        assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "stag ing")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_NAMESPACE: Namespace must be");
        assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "it-1234abcd.")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("did you mean \"it_1234abcd.\"?");
        assertThat(RedisSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", " ")).namespace()).isEqualTo(Namespace.NONE);
    }

    @Test
    void refusesPoolSizesAndTimeoutsOutOfRange() {
        RedisSettings local = RedisSettings.local(Namespace.NONE);
        assertThatThrownBy(() -> local.withPoolSize(0)).hasMessageContaining("poolSize must be 1-1024, got 0");
        assertThatThrownBy(() -> local.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("connectTimeout must be positive");
        assertThatThrownBy(() -> local.withTimeouts(Duration.ofSeconds(1), Duration.ofDays(30)))
                .hasMessageContaining("socketTimeout must be positive and at most");
    }

    @Test
    void saysHowToWriteAPasswordThatBreaksTheUriWithoutShowingIt() {
        for (String text : new String[]{"redis://app:p@ss@cache:6379", "redis://app:p/ss@cache:6379/0",
                "redis://app:12/ss@cache:6379", "redis://app:p?ss@cache:6379", "redis://app:s3cret@my_cache:6379"}) {
            assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("EVENTSOURCE_REDIS_URI", text))).as(text)
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("EVENTSOURCE_REDIS_URI")
                    .hasMessageContaining("percent-encoded (%40, %2F, %3A, %3F, %23, %25)")
                    .hasMessageNotContaining("ss@").hasMessageNotContaining("/ss").hasMessageNotContaining("?ss")
                    .hasMessageNotContaining("s3cret");
        }
        assertThatThrownBy(() -> RedisSettings.parseUri("redis://app:p%ss@cache"))
                .hasMessageContaining("Malformed escape pair").hasMessageNotContaining("p%ss");
    }

    @Test
    void refusesAHostWithAnUnderscoreSayingSo() {
        assertThatThrownBy(() -> RedisSettings.local(Namespace.NONE).withUri(URI.create("redis://my_cache:6379")))
                .hasMessageContaining("\"my_cache:6379\" is not host[:port] (a host name takes no '_')");
    }

    @Test
    void refusesAUserInformationWithoutAColonWhichJedisWouldReadAsAUserName() {
        assertThatThrownBy(() -> RedisSettings.local(Namespace.NONE).withUri(URI.create("redis://s3cret@cache:6379")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("write user:password@, or :password@ for a password alone")
                .hasMessageNotContaining("s3cret");
        assertThat(RedisSettings.local(Namespace.NONE).withUri(URI.create("redis://:s3cret@cache:6379")).toString())
                .contains("redis://:****@cache:6379");
    }

    @Test
    void neverShowsThePassword() {
        RedisSettings settings = RedisSettings.local(Namespace.NONE).withUri(URI.create("redis://app:s3cret@cache:6379"));

        assertThat(settings.toString()).contains("redis://app:****@cache:6379").doesNotContain("s3cret");
        assertThat(settings.redactedUri()).isEqualTo("redis://app:****@cache:6379");
        assertThatThrownBy(() -> RedisSettings.parseUri("redis://app:s3cret@cache:6379/ x"))
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> settings.withUri(URI.create("http://app:s3cret@cache:6379")))
                .hasMessageNotContaining("s3cret");
    }
}
