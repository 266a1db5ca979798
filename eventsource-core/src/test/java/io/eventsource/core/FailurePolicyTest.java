package io.eventsource.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailurePolicyTest {

    @Test
    void doublesTheBackoffUpToItsMaximum() {
        FailurePolicy policy = FailurePolicy.seed().withMaxAttempts(10).withBackoff(Duration.ofMillis(100), Duration.ofMillis(500));

        assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoffAfter(60)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void retriesUntilItsAttemptsAreUsedUp() {
        FailurePolicy policy = FailurePolicy.seed().withMaxAttempts(3);

        assertThat(policy.retriesAfter(1)).isTrue();
        assertThat(policy.retriesAfter(2)).isTrue();
        assertThat(policy.retriesAfter(3)).isFalse();
    }

    @Test
    void refusesNonsenseWithTheRule() {
        assertThatThrownBy(() -> FailurePolicy.seed().withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts must be 1 or more");
        assertThatThrownBy(() -> FailurePolicy.seed().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least firstBackoff");
    }
}
