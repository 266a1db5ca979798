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
    void parksWithTheSeedsAttemptsWhenAsked() {
        assertThat(FailurePolicy.seed().parks()).isFalse();
        assertThat(FailurePolicy.park().parks()).isTrue();
        assertThat(FailurePolicy.park().maxAttempts()).isEqualTo(FailurePolicy.seed().maxAttempts());
        assertThat(FailurePolicy.park().withWhenExhausted(FailurePolicy.Exhausted.RECORD_FAIL_AND_CONTINUE))
                .isEqualTo(FailurePolicy.seed());
    }

    @Test
    void refusesASweepPolicyThatCannotWorkWithTheRule() {
        assertThatThrownBy(() -> SweepPolicy.defaults().withTiming(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval must be positive");
        assertThatThrownBy(() -> SweepPolicy.defaults().withLookback(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lookback must be zero or positive");
        assertThatThrownBy(() -> SweepPolicy.defaults().withBounds(10_001, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageSize must be 1-10000");
        assertThatThrownBy(() -> SweepPolicy.defaults().withBounds(500, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRedrivesPerRun must be 1 or more");
        assertThat(SweepPolicy.disabled().enabled()).isFalse();
    }

    @Test
    void refusesNonsenseWithTheRule() {
        assertThatThrownBy(() -> FailurePolicy.seed().withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts must be 1 or more");
        assertThatThrownBy(() -> FailurePolicy.seed().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least firstBackoff");
    }
}
