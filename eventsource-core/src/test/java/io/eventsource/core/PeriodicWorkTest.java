package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay's and the sweeper's runs on the virtual clock: one at a time, and a stop that waits for the one running. */
class PeriodicWorkTest {
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final VirtualScheduler clock = new VirtualScheduler();
    private final List<String> log = new ArrayList<>();

    @Test
    void runsEveryIntervalAndSkipsARunThatFallsDueWhileOneIsInProgress() {
        PeriodicWork[] work = new PeriodicWork[1];
        work[0] = new PeriodicWork(clock, INTERVAL, () -> {
            if (work[0].begin()) {
                log.add("run at " + clock.instant().getEpochSecond());
                assertThat(work[0].begin()).as("a second run while this one is in progress").isFalse();
                work[0].end();
            }
        });
        work[0].start();
        work[0].start();

        clock.advanceBy(INTERVAL.multipliedBy(2));

        long start = clock.instant().minus(INTERVAL.multipliedBy(2)).getEpochSecond();
        assertThat(log).as("started twice, scheduled once")
                .containsExactly("run at " + (start + 5), "run at " + (start + 10));
    }

    @Test
    void aStopCompletesOnceTheRunInProgressEndsAndNoRunBeginsAfterIt() {
        PeriodicWork work = new PeriodicWork(clock, INTERVAL, () -> log.add("timer"));
        work.start();
        assertThat(work.begin()).isTrue();

        CompletableFuture<Void> stop = work.stop();

        assertThat(stop).as("the run in progress still uses the stores").isNotDone();
        assertThat(work.isStopping()).isTrue();
        assertThat(work.stop()).as("a second stop is the same stop").isSameAs(stop);
        work.end();
        assertThat(stop).isDone();
        assertThat(work.begin()).as("a run that begins after the stop").isFalse();
        work.start();
        clock.advanceBy(INTERVAL.multipliedBy(3));
        assertThat(log).as("the timer was cancelled, and a start after the stop schedules nothing").isEmpty();
    }

    @Test
    void aStopWithNoRunInProgressIsDoneAtOnce() {
        PeriodicWork work = new PeriodicWork(clock, INTERVAL, () -> log.add("timer"));
        work.start();

        assertThat(work.stop()).isDone();
        clock.advanceBy(INTERVAL.multipliedBy(2));
        assertThat(log).isEmpty();
    }
}
