package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.ports.PortException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RabbitMqSettingsTest {

    @Test
    void defaultsToTheLocalBrokerWithoutNamespace() {
        RabbitMqSettings settings = RabbitMqSettings.fromEnvironment(Map.of());

        assertThat(settings.uri()).isEqualTo(URI.create("amqp://guest:guest@127.0.0.1:5672"));
        assertThat(settings.namespace()).isEqualTo(Namespace.NONE);
        assertThat(settings).isEqualTo(RabbitMqSettings.local());
    }

    @Test
    void keepsTheEventsOfAggregateQueuesTransientUnlessAsked() {
        RabbitMqSettings local = RabbitMqSettings.local();

        assertThat(local.persistentAggregateEvents()).isFalse();
        RabbitMqSettings persistent = local.withPersistentAggregateEvents(true);
        assertThat(persistent.persistentAggregateEvents()).isTrue();
        assertThat(persistent.withPersistentAggregateEvents(false)).isEqualTo(local);
        assertThat(persistent.withPrefetch(7).persistentAggregateEvents()).as("kept by the other with methods")
                .isTrue();
        assertThat(persistent.toString()).contains("persistentAggregateEvents=true");
    }

    @Test
    void readsTheUriAndNamespaceFromTheEnvironment() {
        RabbitMqSettings settings = RabbitMqSettings.fromEnvironment(Map.of(
                "EVENTSOURCE_AMQP_URI", " amqps://app:secret@rabbit.example:5671/prod ",
                "EVENTSOURCE_NAMESPACE", "staging."));

        assertThat(settings.uri()).isEqualTo(URI.create("amqps://app:secret@rabbit.example:5671/prod"));
        assertThat(settings.namespace()).isEqualTo(Namespace.of("staging."));
    }

    @Test
    void namesTheVariableThatHoldsAnUnusableValue() {
        assertThatThrownBy(() -> RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_AMQP_URI", "http://rabbit:5672")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_AMQP_URI: ")
                .hasMessageContaining("amqp:// or amqps://");
        assertThatThrownBy(() -> RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_AMQP_URI", "amqp://a b")))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("EVENTSOURCE_AMQP_URI must be a URI");
        assertThatThrownBy(() -> RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "stag ing")))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("EVENTSOURCE_NAMESPACE: Namespace");
    }

    @Test
    void refusesUnboundedOrNonsensicalLimits() {
        RabbitMqSettings local = RabbitMqSettings.local();

        assertThatThrownBy(() -> local.withPrefetch(0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("prefetch must be 1-65535");
        assertThatThrownBy(() -> local.withConfirmBatchSize(0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("confirmBatchSize must be 1-10000");
        assertThatThrownBy(() -> local.withPublishTimeout(Duration.ZERO)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("publishTimeout must be at least 1 ms");
        assertThatThrownBy(() -> local.withConnectionTimeout(Duration.ofDays(30))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("connectionTimeout must be at most");
        assertThatThrownBy(() -> local.withUri(URI.create("amqp:///vhost"))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("must name a host");
        assertThatThrownBy(() -> local.withPartitionPrefetch(65_536)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("partitionPrefetch must be 1-65535");
    }

    @Test
    void readsThePartitionPrefetchFromItsVariable() {
        assertThat(RabbitMqSettings.local().partitionPrefetch()).isEqualTo(256);
        assertThat(RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_AMQP_PARTITION_PREFETCH", " 1000 "))
                .partitionPrefetch()).isEqualTo(1000);
        assertThatThrownBy(() -> RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_AMQP_PARTITION_PREFETCH", "0")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_AMQP_PARTITION_PREFETCH: ").hasMessageContaining("1-65535");
        assertThatThrownBy(() -> RabbitMqSettings.fromEnvironment(
                Map.of("EVENTSOURCE_AMQP_PARTITION_PREFETCH", "many")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_AMQP_PARTITION_PREFETCH must be a number");
    }

    @Test
    void neverShowsThePassword() {
        RabbitMqSettings settings = RabbitMqSettings.local().withUri(URI.create("amqp://app:s3cret@rabbit:5672/prod"));

        assertThat(settings.toString()).contains("amqp://app:****@rabbit:5672/prod").doesNotContain("s3cret");
        assertThatThrownBy(() -> RabbitMqSettings.local().withUri(URI.create("http://app:s3cret@rabbit")))
                .isInstanceOf(InvalidValueException.class).message().doesNotContain("s3cret");
    }

    /** Each holds a password whose two halves, PASS and WORD, must never show; most are not usable URIs. */
    @ParameterizedTest
    @ValueSource(strings = {
            "amqp://app:PASS-WORD@my_rabbit:5672/prod",   // a host with '_': java.net.URI finds no host
            "amqp://app:PASS-WORD@rabbit:port/prod",      // a port that is not a number
            "amqp://app:PASS@WORD@rabbit:5672",           // an unencoded '@' in the password
            "amqp://app:PASS/WORD@rabbit:5672",           // an unencoded '/' in the password
            "amqp://app:PASS:WORD@rabbit:5672",           // an unencoded ':' in the password
            "amqp://app:PASS%WORD@rabbit:5672",           // an unencoded '%' in the password: not a URI at all
            "amqp://app:PASS-WORD@:5672",                 // an empty host
            "amqp://app:PASS-WORD@",                      // no host at all
            "amqps://app:PASS-WORD@rabbit_1",             // TLS, a host with '_'
            "http://app:PASS-WORD@rabbit:5672"})          // another scheme
    void neverShowsThePasswordOfAUriItRefuses(String uri) {
        assertThatThrownBy(() -> RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_AMQP_URI", uri)))
                .isInstanceOf(InvalidValueException.class)
                .satisfies(refused -> assertNoSecret(refused.getMessage()))
                .hasMessageContaining("app:****@");
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException notAUri) {
            return; // only the environment's raw text can hold it
        }
        assertThatThrownBy(() -> RabbitMqSettings.local().withUri(parsed))
                .isInstanceOf(InvalidValueException.class)
                .satisfies(refused -> assertNoSecret(refused.getMessage()));
    }

    /** The same characters percent-encoded make a usable URI; its settings still never show the password. */
    @ParameterizedTest
    @ValueSource(strings = {
            "amqp://app:PASS%40WORD@rabbit:5672/prod",
            "amqp://app:PASS%2FWORD@rabbit:5672",
            "amqp://app:PASS%3AWORD@rabbit:5672",
            "amqp://app:PASS%25WORD@rabbit:5672",
            "amqps://app:PASS%40%2F%3A%25WORD@rabbit.example:5671/prod?heartbeat=10"})
    void neverShowsThePasswordOfAUriItTakes(String uri) {
        RabbitMqSettings settings = RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_AMQP_URI", uri));

        assertNoSecret(settings.toString());
        assertThat(settings.toString()).contains("app:****@rabbit");
        assertNoSecret(settings.redactedUri());
    }

    @ParameterizedTest
    @ValueSource(strings = {"amqp://app:PASS%40%2F%3A%25WORD@127.0.0.1:1/prod", "amqps://app:PASS-WORD@127.0.0.1:1"})
    void neverShowsThePasswordWhenTheBrokerCannotBeReached(String uri) {
        RabbitMqSettings settings = RabbitMqSettings.local().withUri(URI.create(uri))
                .withConnectionTimeout(Duration.ofSeconds(2));

        assertThatThrownBy(() -> RabbitMqConnections.open(settings))
                .isInstanceOf(PortException.class)
                .hasMessageContaining("127.0.0.1:1")
                .satisfies(RabbitMqSettingsTest::assertNoSecretInChain);
    }

    @Test
    void refusesPayloadAndInboundLimitsThatDoNotFitTogether() {
        RabbitMqSettings local = RabbitMqSettings.local();

        assertThat(local.payloadLimit()).isEqualTo(1 << 20);
        assertThat(local.maxInboundMessageSize()).isEqualTo((1 << 20) + (64 << 10));
        assertThat(local.announcementMaxLength()).isEqualTo(10_000);
        assertThat(local.withPayloadLimit(4 << 20).maxInboundMessageSize())
                .as("raised with the payload limit").isEqualTo((4 << 20) + (64 << 10));
        assertThat(local.withMaxInboundMessageSize(8 << 20).withPayloadLimit(2 << 20).maxInboundMessageSize())
                .as("never lowered").isEqualTo(8 << 20);
        assertThatThrownBy(() -> local.withPayloadLimit(0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("payloadLimit must be 1-");
        assertThatThrownBy(() -> local.withMaxInboundMessageSize((1 << 20) - 1)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("at least the payload limit");
        assertThatThrownBy(() -> local.withPayloadLimit(1000).withMaxInboundMessageSize(4096))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("frame size");
        assertThatThrownBy(() -> local.withAnnouncementMaxLength(0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("announcementMaxLength must be at least 1");
    }

    @Test
    void readsThePayloadLimitFromItsVariableAndRaisesTheInboundLimitWithIt() {
        RabbitMqSettings fromDefault = RabbitMqSettings.fromEnvironment(Map.of());
        RabbitMqSettings twoMebibytes = RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "2097152"));

        assertThat(fromDefault.payloadLimit()).isEqualTo(1 << 20);
        assertThat(fromDefault.maxInboundMessageSize()).isEqualTo((1 << 20) + (64 << 10));
        assertThat(twoMebibytes.payloadLimit()).isEqualTo(2 << 20);
        assertThat(twoMebibytes.maxInboundMessageSize()).isEqualTo((2 << 20) + (64 << 10));
        assertThatThrownBy(() -> RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "-1")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_MAX_PAYLOAD_BYTES must be a whole number of bytes");
        assertThatThrownBy(() -> RabbitMqSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "536870913")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("EVENTSOURCE_MAX_PAYLOAD_BYTES must be at most 536870912 bytes for the RabbitMQ adapter (the"
                        + " largest message RabbitMQ accepts), got 536870913");
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain("PASS").doesNotContain("WORD");
    }

    private static void assertNoSecretInChain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertNoSecret(String.valueOf(t.getMessage()));
            assertNoSecret(t.toString());
            for (Throwable suppressed : t.getSuppressed()) {
                assertNoSecretInChain(suppressed);
            }
        }
    }
}
