package io.eventsource.core;

import io.eventsource.ports.Cancellable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SystemSchedulerTest {

    @Test
    void runsADelayedTaskAndKeepsRunningAfterATaskThrows() throws InterruptedException {
        try (SystemScheduler scheduler = new SystemScheduler(1)) {
            CountDownLatch ran = new CountDownLatch(1);
            scheduler.schedule(Duration.ZERO, () -> {
                throw new IllegalStateException("a failing task");
            });
            scheduler.schedule(Duration.ofMillis(10), ran::countDown);

            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void repeatsAFixedRateTaskUntilCancelledEvenWhenItThrows() throws InterruptedException {
        try (SystemScheduler scheduler = new SystemScheduler(2)) {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch three = new CountDownLatch(3);
            Cancellable task = scheduler.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(5), () -> {
                runs.incrementAndGet();
                three.countDown();
                throw new IllegalStateException("every run fails");
            });

            assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
            task.cancel();
            int afterCancel = runs.get();
            CountDownLatch later = new CountDownLatch(1);
            scheduler.schedule(Duration.ofMillis(50), later::countDown);
            assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(runs.get()).isLessThanOrEqualTo(afterCancel + 1);
        }
    }

    @Test
    void doesNotRunACancelledTask() throws InterruptedException {
        try (SystemScheduler scheduler = new SystemScheduler(1)) {
            AtomicInteger runs = new AtomicInteger();
            // the only thread is held until the task is cancelled, so that a slow machine cannot run it first
            CountDownLatch held = new CountDownLatch(1);
            scheduler.schedule(Duration.ZERO, () -> {
                try {
                    held.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            scheduler.schedule(Duration.ofMillis(20), runs::incrementAndGet).cancel();
            CountDownLatch later = new CountDownLatch(1);
            scheduler.schedule(Duration.ofMillis(60), later::countDown);
            held.countDown();

            assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(runs.get()).isZero();
        }
    }

    @Test
    void blockingWorkRunsOnWorkersSoThatTimersAreNotHeldUpBehindIt() throws InterruptedException {
        try (SystemScheduler scheduler = new SystemScheduler(1, 2, java.time.Clock.systemUTC())) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch bothBlocked = new CountDownLatch(2);
            Set<String> workerThreads = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 2; i++) {
                scheduler.execute(() -> {
                    workerThreads.add(Thread.currentThread().getName());
                    bothBlocked.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(bothBlocked.await(5, TimeUnit.SECONDS)).as("two workers run at once").isTrue();
            CountDownLatch timer = new CountDownLatch(1);
            scheduler.schedule(Duration.ZERO, timer::countDown);

            assertThat(timer.await(5, TimeUnit.SECONDS)).as("a timer while every worker blocks").isTrue();
            assertThat(workerThreads).hasSize(2).allSatisfy(name -> assertThat(name).contains("eventsource-worker-"));
            release.countDown();
        }
    }

    @Test
    void refusesNoWorkersAndRefusesWorkOnceClosed() {
        assertThatThrownBy(() -> new SystemScheduler(1, 0, java.time.Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 or more workers");
        SystemScheduler scheduler = new SystemScheduler(1);
        scheduler.close();

        assertThatThrownBy(() -> scheduler.execute(() -> { }))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }
}
