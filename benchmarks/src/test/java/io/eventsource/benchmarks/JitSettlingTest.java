package io.eventsource.benchmarks;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JitSettlingTest {
    /** At least 5 s, at most 45 s; quiet below 15% of a core, two quiet rounds in a row. */
    private final JitSettling settling = new JitSettling(Duration.ofSeconds(5), Duration.ofSeconds(45), 0.15, 2);

    @Test
    void oneQuietRoundBetweenBusyOnesDoesNotEndIt() {
        assertThat(settling.afterRound(0.20, seconds(10))).isNull();
        assertThat(settling.afterRound(0.07, seconds(12))).isNull();
        assertThat(settling.afterRound(0.23, seconds(14))).isNull();
        assertThat(settling.afterRound(0.10, seconds(16))).isNull();

        assertThat(settling.afterRound(0.04, seconds(18))).isEqualTo(JitSettling.Ended.SETTLED);
    }

    @Test
    void quietRoundsBeforeTheShortestWarmUpCountButDoNotEndIt() {
        assertThat(settling.afterRound(0.01, seconds(2))).isNull();
        assertThat(settling.afterRound(0.01, seconds(4))).isNull();

        assertThat(settling.afterRound(0.01, seconds(6))).isEqualTo(JitSettling.Ended.SETTLED);
    }

    @Test
    void endsAtTheLongestWhileTheJitStaysBusy() {
        assertThat(settling.afterRound(0.50, seconds(43))).isNull();

        assertThat(settling.afterRound(0.50, seconds(45))).isEqualTo(JitSettling.Ended.AT_MOST);
    }

    @Test
    void endsOnceItIsLongEnoughWhereTheJitsTimeIsUnknown() {
        assertThat(settling.afterRound(Double.NaN, seconds(2))).isNull();

        assertThat(settling.afterRound(Double.NaN, seconds(6))).isEqualTo(JitSettling.Ended.UNKNOWN);
    }

    @Test
    void refusesSettingsThatCannotEnd() {
        assertThatThrownBy(() -> new JitSettling(Duration.ofSeconds(5), Duration.ofSeconds(45), 0.15, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quietRounds 0");
        assertThatThrownBy(() -> new JitSettling(Duration.ofSeconds(50), Duration.ofSeconds(45), 0.15, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("atMost PT45S");
        assertThatThrownBy(() -> new JitSettling(Duration.ofSeconds(5), Duration.ofSeconds(45), 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("settled 0.0");
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
