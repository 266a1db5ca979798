package io.eventsource.adapter.inmemory;

import io.eventsource.ports.Cancellable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VirtualSchedulerTest {
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private final VirtualScheduler scheduler = new VirtualScheduler(START);

    @Test
    void timeStandsStillUntilMoved() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(Duration.ZERO, () -> ran.add("now"));

        assertThat(ran).isEmpty();
        assertThat(scheduler.instant()).isEqualTo(START);
        assertThat(scheduler.runDueTasks()).isEqualTo(1);
        assertThat(ran).containsExactly("now");
    }

    @Test
    void runsTasksAtTheirDueInstantsInDueThenSchedulingOrder() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("b@" + scheduler.instant()));
        scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("a@" + scheduler.instant()));
        scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("c@" + scheduler.instant()));

        assertThat(scheduler.advanceBy(Duration.ofSeconds(5))).isEqualTo(3);

        assertThat(ran).containsExactly("a@" + START.plusSeconds(1), "b@" + START.plusSeconds(2), "c@" + START.plusSeconds(2));
        assertThat(scheduler.instant()).isEqualTo(START.plusSeconds(5));
    }

    @Test
    void aTaskScheduledByATaskForNowRunsInTheSameMove() {
        List<Instant> ran = new ArrayList<>();
        scheduler.schedule(Duration.ofSeconds(1), () -> scheduler.schedule(Duration.ZERO, () -> ran.add(scheduler.instant())));

        scheduler.advanceBy(Duration.ofSeconds(1));

        assertThat(ran).containsExactly(START.plusSeconds(1));
    }

    @Test
    void aCancelledTaskDoesNotRun() {
        List<String> ran = new ArrayList<>();
        Cancellable task = scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("x"));
        task.cancel();
        task.cancel();

        scheduler.advanceBy(Duration.ofSeconds(2));

        assertThat(ran).isEmpty();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void aPeriodicTaskRunsEveryPeriodUntilCancelled() {
        List<Instant> ran = new ArrayList<>();
        Cancellable task = scheduler.scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(2),
                () -> ran.add(scheduler.instant()));

        scheduler.advanceBy(Duration.ofSeconds(6));
        task.cancel();
        scheduler.advanceBy(Duration.ofSeconds(6));

        assertThat(ran).containsExactly(START.plusSeconds(1), START.plusSeconds(3), START.plusSeconds(5));
    }

    @Test
    void aFailingTaskIsCollectedAndTheOthersRunOn() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(Duration.ZERO, () -> {
            throw new IllegalStateException("boom on purpose");
        });
        scheduler.schedule(Duration.ZERO, () -> ran.add("after"));

        scheduler.runDueTasks();

        assertThat(ran).containsExactly("after");
        assertThat(scheduler.failures()).singleElement().satisfies(e -> assertThat(e).hasMessage("boom on purpose"));
        scheduler.clearFailures();
        assertThat(scheduler.failures()).isEmpty();
    }

    @Test
    void runUntilIdleFollowsTheTasksAndStops() {
        List<Instant> ran = new ArrayList<>();
        scheduler.schedule(Duration.ofMinutes(3), () -> {
            ran.add(scheduler.instant());
            scheduler.schedule(Duration.ofMinutes(1), () -> ran.add(scheduler.instant()));
        });

        assertThat(scheduler.runUntilIdle()).isEqualTo(2);

        assertThat(ran).containsExactly(START.plusSeconds(180), START.plusSeconds(240));
        assertThat(scheduler.nextTaskAt()).isEmpty();
    }

    @Test
    void refusesToGoBackOrBeMovedFromInsideATask() {
        scheduler.advanceBy(Duration.ofSeconds(1));
        assertThatThrownBy(() -> scheduler.advanceTo(START)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not go back");
        assertThatThrownBy(() -> scheduler.schedule(Duration.ofSeconds(-1), () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");

        scheduler.schedule(Duration.ZERO, () -> scheduler.advanceBy(Duration.ofSeconds(1)));
        scheduler.runDueTasks();

        assertThat(scheduler.failures()).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTaskReschedulingItselfForeverAtOneInstantIsStoppedRatherThanHangingTheTest() {
        Runnable[] forever = new Runnable[1];
        forever[0] = () -> scheduler.schedule(Duration.ZERO, forever[0]);
        scheduler.schedule(Duration.ofSeconds(1), forever[0]);

        assertThatThrownBy(() -> scheduler.advanceBy(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reschedules itself forever");
    }

    @Test
    void manyTasksAtManyInstantsAreNoRunaway() {
        for (int i = 0; i < 3 * VirtualScheduler.RUNAWAY_LIMIT; i++) {
            scheduler.schedule(Duration.ofMillis(i / 1000), () -> { });
        }

        assertThat(scheduler.advanceBy(Duration.ofHours(1))).isEqualTo(3 * VirtualScheduler.RUNAWAY_LIMIT);
    }

    @Test
    void otherThreadsMayScheduleWhileTheClockMoves() throws InterruptedException {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int base = t * 1000;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    int value = base + i;
                    scheduler.schedule(Duration.ofMillis(i), () -> ran.add(value));
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        scheduler.advanceBy(Duration.ofSeconds(2));

        assertThat(ran).hasSize(4000).doesNotHaveDuplicates();
    }
}
