package io.eventsource.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

class SerialLaneTest {

    @Test
    void startsATaskOnlyWhenThePreviousStageHasCompleted() {
        SerialLane lane = new SerialLane("test");
        List<String> log = new ArrayList<>();
        CompletableFuture<Void> first = new CompletableFuture<>();

        lane.submit(() -> {
            log.add("first started");
            return first;
        });
        lane.submit(() -> {
            log.add("second started");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(log).containsExactly("first started");
        assertThat(lane.whenIdle()).isNotDone();

        log.add("first completed");
        first.complete(null);

        assertThat(log).containsExactly("first started", "first completed", "second started");
        assertThat(lane.whenIdle()).isDone();
    }

    @Test
    void goesOnAfterATaskThrowsOrFails() {
        SerialLane lane = new SerialLane("test");
        List<Integer> ran = new ArrayList<>();

        lane.submit(() -> {
            ran.add(1);
            throw new IllegalStateException("boom");
        });
        lane.submit(() -> {
            ran.add(2);
            return CompletableFuture.failedFuture(new IllegalStateException("failed stage"));
        });
        lane.submit(() -> {
            ran.add(3);
            return CompletableFuture.completedFuture(null);
        });

        assertThat(ran).containsExactly(1, 2, 3);
    }

    @Test
    void runsTenThousandCompletedTasksWithoutGrowingTheStack() {
        SerialLane lane = new SerialLane("test");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        int[] count = {0};
        lane.submit(() -> gate);
        for (int i = 0; i < 10_000; i++) {
            lane.submit(() -> {
                count[0]++;
                return CompletableFuture.completedFuture(null);
            });
        }

        gate.complete(null);

        assertThat(count[0]).isEqualTo(10_000);
    }

    @Test
    void aLaneGivenAnExecutorGoesOnThereAfterAStageCompletesElsewhere() {
        List<Runnable> queued = new ArrayList<>();
        SerialLane lane = new SerialLane("lane", queued::add);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        List<String> ran = new ArrayList<>();
        lane.submit(() -> {
            ran.add("first");
            return stage;
        });
        lane.submit(() -> {
            ran.add("second");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(queued).as("the idle lane starts on its executor").hasSize(1);
        queued.remove(0).run();
        assertThat(ran).containsExactly("first");

        // whoever completes the stage (a timer, a store's completion thread) does not run the next task
        stage.complete(null);

        assertThat(ran).as("not on the completing thread").containsExactly("first");
        assertThat(queued).as("handed back to the executor").hasSize(1);
        queued.remove(0).run();
        assertThat(ran).containsExactly("first", "second");
        assertThat(lane.whenIdle()).isDone();
    }

    @Test
    void aLaneResumingOnAnExecutorStartsOnTheSubmitterAndGoesOnThereAfterAStageCompletesElsewhere() {
        List<Runnable> queued = new ArrayList<>();
        Executor workers = queued::add;
        SerialLane lane = SerialLane.resumingOn("lane", workers);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        List<String> ran = new ArrayList<>();
        Thread submitter = Thread.currentThread();
        List<Thread> ranOn = new ArrayList<>();
        lane.submit(() -> {
            ran.add("first");
            ranOn.add(Thread.currentThread());
            return stage;
        });
        assertThat(ran).as("the idle lane runs it on the submitting thread, at once").containsExactly("first");
        assertThat(ranOn).containsExactly(submitter);
        assertThat(queued).isEmpty();
        assertThat(lane.executor()).as("a task that waits for a read goes on on the executor").isSameAs(workers);
        lane.submit(() -> {
            ran.add("second");
            return CompletableFuture.completedFuture(null);
        });

        // whoever completes the stage (the ack store's one completion thread, a timer) does not run the next task
        stage.complete(null);

        assertThat(ran).as("not on the completing thread").containsExactly("first");
        assertThat(queued).as("handed to the executor it resumes on").hasSize(1);
        queued.remove(0).run();
        assertThat(ran).containsExactly("first", "second");
        assertThat(lane.whenIdle()).isDone();
        lane.submit(() -> {
            ran.add("third");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(ran).as("idle again: on the submitting thread").containsExactly("first", "second", "third");
        assertThat(queued).isEmpty();
    }

    @Test
    void aLaneWithNothingMoreBecomesIdleWhereItsStageCompletesWithoutAHandOver() {
        List<Runnable> queued = new ArrayList<>();
        SerialLane lane = new SerialLane("lane", queued::add);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        lane.submit(() -> stage);
        queued.remove(0).run();

        stage.complete(null);

        assertThat(queued).as("nothing to hand over").isEmpty();
        assertThat(lane.whenIdle()).isDone();
        List<String> ran = new ArrayList<>();
        lane.submit(() -> {
            ran.add("next");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(queued).as("the next task starts on the executor, as on any idle lane").hasSize(1);
        queued.remove(0).run();
        assertThat(ran).containsExactly("next");
    }

    @Test
    void whoWaitsForTheLaneToBeIdleIsToldOnItsExecutorNotOnTheCompletingThread() {
        List<Runnable> queued = new ArrayList<>();
        SerialLane lane = new SerialLane("lane", queued::add);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        lane.submit(() -> stage);
        queued.remove(0).run();
        CompletableFuture<Void> idle = lane.whenIdle();

        stage.complete(null);

        assertThat(idle).as("not on the completing thread").isNotDone();
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(idle).isDone();
    }

    @Test
    void aTaskThatDoesNotBlockStartsOnTheSubmittingThreadOfAnIdleLane() {
        List<Runnable> queued = new ArrayList<>();
        SerialLane lane = new SerialLane("lane", queued::add);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        List<String> ran = new ArrayList<>();

        lane.submitNonBlocking(() -> {
            ran.add("wait");
            return gate;
        });
        lane.submit(() -> {
            ran.add("next");
            return CompletableFuture.completedFuture(null);
        });

        assertThat(ran).as("started here, at once").containsExactly("wait");
        assertThat(queued).as("nothing handed to the executor while the wait lasts").isEmpty();
        gate.complete(null);
        assertThat(ran).as("the next task not on the thread that ended the wait").containsExactly("wait");
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(ran).containsExactly("wait", "next");
        assertThat(lane.whenIdle()).isDone();
    }

    @Test
    void aTaskThatDoesNotBlockWaitsItsTurnBehindARunningOne() {
        List<Runnable> queued = new ArrayList<>();
        SerialLane lane = new SerialLane("lane", queued::add);
        CompletableFuture<Void> first = new CompletableFuture<>();
        List<String> ran = new ArrayList<>();
        lane.submit(() -> {
            ran.add("first");
            return first;
        });
        queued.remove(0).run();

        lane.submitNonBlocking(() -> {
            ran.add("wait");
            return CompletableFuture.completedFuture(null);
        });

        assertThat(ran).containsExactly("first");
        first.complete(null);
        queued.remove(0).run();
        assertThat(ran).containsExactly("first", "wait");
        assertThat(lane.whenIdle()).isDone();
    }

    @Test
    void aTaskThatDoesNotBlockAndThrowsLeavesTheLaneGoingOn() {
        SerialLane lane = new SerialLane("lane");
        List<String> ran = new ArrayList<>();

        lane.submitNonBlocking(() -> {
            throw new IllegalStateException("boom");
        });
        lane.submit(() -> {
            ran.add("after");
            return CompletableFuture.completedFuture(null);
        });

        assertThat(ran).containsExactly("after");
        assertThat(lane.whenIdle()).isDone();
    }
}
