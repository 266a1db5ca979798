package io.eventsource.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LatenciesTest {

    @Test
    void takesTheNearestRankPercentilesWhateverTheOrderOfArrival() {
        List<Long> millis = new ArrayList<>();
        for (long i = 1; i <= 200; i++) {
            millis.add(i);
        }
        Collections.shuffle(millis, new Random(7));
        Latencies latencies = new Latencies();
        millis.forEach(value -> latencies.add(value * 1_000_000));

        Latencies.Summary summary = latencies.summary();

        assertThat(summary.count()).isEqualTo(200);
        assertThat(summary.p50Millis()).isEqualTo(100.0);
        assertThat(summary.p99Millis()).isEqualTo(198.0);
        assertThat(summary.maxMillis()).isEqualTo(200.0);
    }

    @Test
    void hasNoPercentileWithoutSamples() {
        Latencies.Summary summary = new Latencies().summary();

        assertThat(summary.count()).isZero();
        assertThat(summary.p50Millis()).isNaN();
        assertThat(summary.p99Millis()).isNaN();
    }
}
