package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpiryPolicyTest {

    @Test
    void theSeedsDurationsAreTheDefaults() {
        ExpiryPolicy seed = ExpiryPolicy.seed();

        assertThat(seed.consumerIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(seed.queueExpiry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(seed.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(seed.livenessTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(seed).isSameAs(ExpiryPolicy.SEED);
    }

    @Test
    void eachDurationCanBeOverriddenAlone() {
        ExpiryPolicy shortened = ExpiryPolicy.SEED.withConsumerIdleTimeout(Duration.ofSeconds(1))
                .withQueueExpiry(Duration.ofSeconds(2)).withHeartbeatInterval(Duration.ofMillis(500))
                .withLivenessTtl(Duration.ofSeconds(3));

        assertThat(shortened).isEqualTo(new ExpiryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofMillis(500), Duration.ofSeconds(3)));
    }

    @Test
    void aRouteIsTrustedForAThirdOfTheQueueExpiry() {
        assertThat(ExpiryPolicy.SEED.routeCacheTtl()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void refusesDurationsThatAreNotPositive() {
        assertThatThrownBy(() -> ExpiryPolicy.SEED.withConsumerIdleTimeout(Duration.ZERO))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("consumerIdleTimeout must be positive");
        assertThatThrownBy(() -> ExpiryPolicy.SEED.withLivenessTtl(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("livenessTtl must be positive");
        assertThatThrownBy(() -> ExpiryPolicy.SEED.withQueueExpiry(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("queueExpiry");
    }

    @Test
    void refusesAnIdleTimeoutThatIsNotShorterThanTheQueueExpiry() {
        assertThatThrownBy(() -> ExpiryPolicy.SEED.withConsumerIdleTimeout(Duration.ofSeconds(30)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("consumerIdleTimeout (PT30S) must be shorter than queueExpiry (PT30S)");
    }

    @Test
    void refusesAHeartbeatIntervalThatIsNotShorterThanTheLivenessTtl() {
        assertThatThrownBy(() -> ExpiryPolicy.SEED.withHeartbeatInterval(Duration.ofSeconds(31)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("heartbeatInterval (PT31S) must be shorter than livenessTtl (PT30S)");
    }

    @Test
    void refusesAQueueExpiryBelowTheBrokersMillisecond() {
        assertThatThrownBy(() -> new ExpiryPolicy(Duration.ofNanos(100), Duration.ofNanos(500_000),
                Duration.ofSeconds(5), Duration.ofSeconds(30)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("at least 1 ms");
    }
}
