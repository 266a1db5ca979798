package io.eventsource.benchmarks;

import io.eventsource.domain.InvalidValueException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {
    private static final String[] NAMES = {"bench.events", "bench.seconds", "bench.only", "bench.latency.rate",
        "bench.queue.expiry", "bench.idle", "bench.sample", "bench.profile"};

    @AfterEach
    void clearProperties() {
        for (String name : NAMES) {
            System.clearProperty(name);
        }
    }

    @Test
    void readsAPropertyThatMavenLeftUnresolvedAsItsDefault() {
        System.setProperty("bench.events", "${bench.events}");
        System.setProperty("bench.only", "${bench.only}");

        BenchOptions options = BenchOptions.fromSystemProperties();

        assertThat(options.events()).isEqualTo(20_000);
        assertThat(options.only()).isEqualTo(BenchOptions.PHASES);
        assertThat(options.queueExpiry()).as("long enough for the hot routes made first").isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void readsTheQueueExpiryAndRefusesOneShorterThanTheIdleTimeoutCanFit() {
        System.setProperty("bench.queue.expiry", "30");

        assertThat(BenchOptions.fromSystemProperties().queueExpiry()).isEqualTo(Duration.ofSeconds(30));

        System.setProperty("bench.queue.expiry", "5");
        assertThatThrownBy(BenchOptions::fromSystemProperties)
                .hasMessageContaining("bench.queue.expiry must be 10 seconds or more");
    }

    @Test
    void readsTheIdleTimeoutAndRefusesOneThatTheQueueExpiryCannotFit() {
        assertThat(BenchOptions.fromSystemProperties().idleTimeout()).as("the seed's").isEqualTo(Duration.ofSeconds(5));

        System.setProperty("bench.idle", "20");
        assertThat(BenchOptions.fromSystemProperties().idleTimeout()).isEqualTo(Duration.ofSeconds(20));

        System.setProperty("bench.queue.expiry", "20");
        assertThatThrownBy(BenchOptions::fromSystemProperties)
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("bench.idle must be positive and shorter than bench.queue.expiry (20 s), got 20");

        System.setProperty("bench.idle", "0");
        System.clearProperty("bench.queue.expiry");
        assertThatThrownBy(BenchOptions::fromSystemProperties)
                .hasMessageContaining("bench.idle must be positive");
    }

    @Test
    void samplesOnlyWhenAskedAndRefusesAnythingButTrueOrFalse() {
        assertThat(BenchOptions.fromSystemProperties().sample()).as("the sampler costs the runtimes CPU").isFalse();

        System.setProperty("bench.sample", "TRUE");
        assertThat(BenchOptions.fromSystemProperties().sample()).isTrue();

        System.setProperty("bench.sample", "yes");
        assertThatThrownBy(BenchOptions::fromSystemProperties)
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("bench.sample")
                .hasMessageContaining("not true or false");
    }

    @Test
    void profilesOnlyWhenAsked() {
        assertThat(BenchOptions.fromSystemProperties().profile()).as("the profiler costs the runtimes CPU").isFalse();

        System.setProperty("bench.profile", "true");
        assertThat(BenchOptions.fromSystemProperties().profile()).isTrue();

        System.setProperty("bench.profile", "cpu");
        assertThatThrownBy(BenchOptions::fromSystemProperties)
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("bench.profile");
    }

    @Test
    void readsGivenValuesAndASubsetOfPhases() {
        System.setProperty("bench.events", "50000");
        System.setProperty("bench.seconds", "60");
        System.setProperty("bench.only", "Hot, latency");

        BenchOptions options = BenchOptions.fromSystemProperties();

        assertThat(options.events()).isEqualTo(50_000);
        assertThat(options.seconds()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.only()).isEqualTo(Set.of("hot", "latency"));
        assertThat(options.runs("acks")).isFalse();
    }

    @Test
    void refusesAnUnknownPhaseNamingTheKnownOnes() {
        System.setProperty("bench.only", "hot,warm");

        assertThatThrownBy(BenchOptions::fromSystemProperties)
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("bench.only")
                .hasMessageContaining("acks, cold, hot, latency, memory");
    }

    @Test
    void refusesANumberItCannotReadNamingTheProperty() {
        System.setProperty("bench.events", "many");

        assertThatThrownBy(BenchOptions::fromSystemProperties)
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("bench.events")
                .hasMessageContaining("many");
    }

    @Test
    void refusesANegativeLatencyRate() {
        System.setProperty("bench.latency.rate", "-5");

        assertThatThrownBy(BenchOptions::fromSystemProperties)
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("bench.latency.rate");
    }
}
