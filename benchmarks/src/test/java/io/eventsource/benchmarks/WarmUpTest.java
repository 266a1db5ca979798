package io.eventsource.benchmarks;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarmUpTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long START = 5 * SECOND;

    /** At least 2 s, at most 60 s; drained at 100 outstanding or fewer, held for a pass of 4 s. */
    private final WarmUp warmUp = new WarmUp(START, Duration.ofSeconds(2), Duration.ofSeconds(60), 100,
            Duration.ofSeconds(4));

    @Test
    void endsOnceTheBacklogHasStayedDrainedForAWholePass() {
        assertThat(warmUp.over(START + 2 * SECOND, 5_000)).isFalse();
        assertThat(warmUp.over(START + 3 * SECOND, 100)).isFalse();
        assertThat(warmUp.over(START + 6 * SECOND, 20)).isFalse();
        assertThat(warmUp.over(START + 7 * SECOND - 1, 0)).isFalse();

        assertThat(warmUp.over(START + 7 * SECOND, 50)).isTrue();
        assertThat(warmUp.drained()).isTrue();
    }

    @Test
    void aBacklogThatComesBackWithinThePassStartsTheHoldAgain() {
        assertThat(warmUp.over(START + 2 * SECOND, 10)).isFalse();
        assertThat(warmUp.over(START + 5 * SECOND, 101)).isFalse();
        assertThat(warmUp.over(START + 6 * SECOND, 10)).isFalse();
        assertThat(warmUp.over(START + 9 * SECOND, 10)).isFalse();

        assertThat(warmUp.over(START + 10 * SECOND, 10)).isTrue();
    }

    @Test
    void lastsAtLeastItsShortestEvenWithNoBacklog() {
        WarmUp noHold = new WarmUp(START, Duration.ofSeconds(2), Duration.ofSeconds(60), 100, Duration.ZERO);

        assertThat(noHold.over(START, 0)).isFalse();
        assertThat(noHold.over(START + 2 * SECOND - 1, 0)).isFalse();
        assertThat(noHold.over(START + 2 * SECOND, 0)).isTrue();
    }

    @Test
    void endsAtItsLongestWithTheBacklogNotDrained() {
        assertThat(warmUp.over(START + 58 * SECOND, 10)).isFalse();
        assertThat(warmUp.over(START + 60 * SECOND - 1, 500)).isFalse();

        assertThat(warmUp.over(START + 60 * SECOND, 10)).isTrue();
        assertThat(warmUp.drained()).isFalse();
    }

    @Test
    void refusesBoundsThatContradictEachOther() {
        assertThatThrownBy(() -> new WarmUp(START, Duration.ofSeconds(10), Duration.ofSeconds(5), 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("atLeast PT10S, longest PT5S");
        assertThatThrownBy(() -> new WarmUp(START, Duration.ZERO, Duration.ZERO, -1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold -1");
    }
}
