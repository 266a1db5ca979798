package io.eventsource.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {

    @Test
    void spacesTheDueTimesByTheRateFromTheStart() {
        Pacer pacer = new Pacer(1_000, 250);

        assertThat(pacer.due(0)).isEqualTo(1_000);
        assertThat(pacer.due(1)).isEqualTo(1_000 + 4_000_000);
        assertThat(pacer.due(250)).isEqualTo(1_000 + 1_000_000_000);
    }

    @Test
    void returnsAtOnceForATimeThatHasPassed() {
        long before = System.nanoTime();

        Pacer.waitUntil(before - 1_000_000_000);

        assertThat(System.nanoTime() - before).isLessThan(1_000_000_000);
    }
}
