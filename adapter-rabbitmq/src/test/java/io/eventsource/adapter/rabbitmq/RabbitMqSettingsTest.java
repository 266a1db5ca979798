package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import org.junit.jupiter.api.Test;

import java.net.URI;
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
    }

    @Test
    void neverShowsThePassword() {
        RabbitMqSettings settings = RabbitMqSettings.local().withUri(URI.create("amqp://app:s3cret@rabbit:5672/prod"));

        assertThat(settings.toString()).contains("amqp://app:***@rabbit:5672/prod").doesNotContain("s3cret");
        assertThatThrownBy(() -> RabbitMqSettings.local().withUri(URI.create("http://app:s3cret@rabbit")))
                .isInstanceOf(InvalidValueException.class).message().doesNotContain("s3cret");
    }
}
