package io.eventsource.examples;

import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.PayloadLimit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RealSettingsTest {

    @Test
    void defaultsToTheLocalServicesAndTheSeedsDurations() {
        RealSettings settings = RealSettings.fromEnvironment(Map.of());

        assertThat(settings.expiry()).isEqualTo(ExpiryPolicy.seed());
        assertThat(settings.rabbitMq().uri()).hasToString("amqp://guest:guest@127.0.0.1:5672");
        assertThat(settings.redis().uri()).hasToString("redis://127.0.0.1:6379");
        assertThat(settings.mySql().jdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/test");
        assertThat(settings.namespace()).isEqualTo(Namespace.NONE);
        assertThat(settings.mySql().tablePrefix()).isEqualTo("es_");
    }

    @Test
    void putsEveryAdapterUnderTheEnvironmentsNamespace() {
        RealSettings settings = RealSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "staging."));

        assertThat(settings.rabbitMq().namespace()).isEqualTo(Namespace.of("staging."));
        assertThat(settings.redis().namespace()).isEqualTo(Namespace.of("staging."));
        assertThat(settings.mySql().tablePrefix()).isEqualTo("staging_es_");
    }

    @Test
    void givesTheRuntimeAndEveryAdapterThePayloadLimitOfTheEnvironment() {
        RealSettings byDefault = RealSettings.fromEnvironment(Map.of());
        RealSettings twoMebibytes = RealSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "2097152"));

        assertThat(byDefault.options().payloadLimit()).isEqualTo(PayloadLimit.DEFAULT);
        assertThat(byDefault.rabbitMq().payloadLimit()).isEqualTo(PayloadLimit.DEFAULT_BYTES);
        assertThat(byDefault.mySql().payloadLimit()).isEqualTo(PayloadLimit.DEFAULT_BYTES);
        assertThat(twoMebibytes.options().payloadLimit()).isEqualTo(PayloadLimit.ofBytes(2 << 20));
        assertThat(twoMebibytes.rabbitMq().payloadLimit()).isEqualTo(2 << 20);
        assertThat(twoMebibytes.mySql().payloadLimit()).isEqualTo(2 << 20);
    }

    @Test
    void shortensTheLifecycleByConfiguration() {
        RealSettings settings = RealSettings.fromEnvironment(Map.of(RealSettings.IDLE_VARIABLE, "1s",
                RealSettings.EXPIRY_VARIABLE, "3000ms", RealSettings.HEARTBEAT_VARIABLE, "PT1S",
                RealSettings.LIVENESS_VARIABLE, "1m"));

        assertThat(settings.expiry()).isEqualTo(new ExpiryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(1), Duration.ofMinutes(1)));
    }

    @Test
    void namesTheVariableOfAMalformedDuration() {
        assertThatThrownBy(() -> RealSettings.fromEnvironment(Map.of(RealSettings.EXPIRY_VARIABLE, "three seconds")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("EVENTSOURCE_QUEUE_EXPIRY")
                .hasMessageContaining("like 500ms, 3s");
        assertThatThrownBy(() -> RealSettings.fromEnvironment(Map.of(RealSettings.IDLE_VARIABLE, "40s")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("EVENTSOURCE_CONSUMER_IDLE_TIMEOUT")
                .hasMessageContaining("must be shorter than queueExpiry");
    }

    @Test
    void aFreshNamespaceExtendsTheEnvironmentsAndIsNewEachTime() {
        Namespace first = RealStack.freshNamespace(Namespace.of("staging."), "demo");
        Namespace second = RealStack.freshNamespace(Namespace.of("staging."), "demo");

        assertThat(first.prefix()).matches("staging_demo_[0-9a-f]{8}\\.");
        assertThat(first).isNotEqualTo(second);
        assertThat(RealSettings.fromEnvironment(Map.of()).withNamespace(first).mySql().tablePrefix())
                .matches("staging_demo_[0-9a-f]{8}_es_");
        assertThat(RealStack.freshNamespace(Namespace.NONE, "e2e_kill").prefix()).matches("e2e_kill_[0-9a-f]{8}\\.");
    }

    @Test
    void refusesToDropWhatIsNotUnderANamespaceOfItsOwn() {
        RealSettings shared = RealSettings.fromEnvironment(Map.of());
        RealSettings mixed = shared.withNamespace(Namespace.of("run_1.")).withMySql(shared.mySql());

        for (RealSettings settings : List.of(shared, mixed)) {
            assertThatThrownBy(() -> NamespaceCleanup.drop(settings, List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refusing to drop");
        }
    }
}
