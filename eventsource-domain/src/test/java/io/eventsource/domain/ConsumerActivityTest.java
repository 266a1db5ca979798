package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerActivityTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration IDLE = Duration.ofSeconds(5);

    @Test
    void aConsumerThatReceivesNothingIsIdleExactlyFiveSecondsAfterItStarted() {
        ConsumerActivity activity = ConsumerActivity.startedAt(T0);

        assertThat(activity.idleAt(IDLE)).isEqualTo(T0.plusSeconds(5));
        assertThat(activity.isIdle(T0.plusSeconds(5).minusNanos(1), IDLE)).isFalse();
        assertThat(activity.isIdle(T0.plusSeconds(5), IDLE)).isTrue();
    }

    @Test
    void receivingAndSettlingEachRestartTheIdlePeriod() {
        ConsumerActivity received = ConsumerActivity.startedAt(T0).received(T0.plusSeconds(4));
        ConsumerActivity settled = received.settled(T0.plusSeconds(8));

        assertThat(settled.inFlight()).isZero();
        assertThat(settled.isIdle(T0.plusSeconds(12).minusNanos(1), IDLE)).isFalse();
        assertThat(settled.isIdle(T0.plusSeconds(13), IDLE)).isTrue();
    }

    @Test
    void aConsumerHoldingAnUnsettledMessageIsNeverIdle() {
        ConsumerActivity working = ConsumerActivity.startedAt(T0).received(T0).received(T0).settled(T0.plusSeconds(1));

        assertThat(working.inFlight()).isEqualTo(1);
        assertThat(working.isIdle(T0.plus(Duration.ofHours(1)), IDLE)).isFalse();
    }

    @Test
    void refusesToSettleWhatWasNotReceived() {
        assertThatThrownBy(() -> ConsumerActivity.startedAt(T0).settled(T0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ConsumerActivity(T0, -1)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("inFlight must be 0 or more");
    }
}
