package io.eventsource.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Background work in batches: one at a time, what comes meanwhile in the next, no key twice while it is pending. */
class GatheringTest {
    /** An executor that runs what it is given only when the test says so. */
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final List<List<String>> batches = new ArrayList<>();

    @Test
    void whatIsHandedInWhileABatchRunsGoesIntoTheNextOneAndARunningKeyIsNotTakenAgain() {
        List<Gathering<String, Integer>> self = new ArrayList<>();
        Gathering<String, Integer> gathering = new Gathering<>(tasks::add, batch -> {
            batches.add(List.copyOf(batch.keySet()));
            if (batches.size() == 1) {
                // while the first batch runs: one key of it again, and two new ones
                assertThat(self.get(0).add("a", 1)).as("a runs: not taken again").isFalse();
                assertThat(self.get(0).addAll(map("c", "d"))).isEqualTo(2);
            }
        });
        self.add(gathering);

        assertThat(gathering.addAll(map("a", "b"))).isEqualTo(2);
        assertThat(gathering.add("b", 2)).as("b waits: not taken again").isFalse();
        assertThat(tasks).as("one drain started, however many entries").hasSize(1);
        CompletableFuture<Void> done = gathering.whenDone();
        assertThat(done).isNotDone();

        tasks.poll().run();

        assertThat(batches).containsExactly(List.of("a", "b"), List.of("c", "d"));
        assertThat(tasks).as("the running drain took the second batch itself").isEmpty();
        assertThat(done).isDone();
        assertThat(gathering.whenDone()).as("nothing pending").isDone();
        assertThat(gathering.add("a", 3)).as("a is done: taken again").isTrue();
    }

    @Test
    void runsOnTheCallersThreadWhenTheExecutorRefusesAndGoesOnAfterAFailedBatch() {
        Consumer<Map<String, Integer>> failingFirst = batch -> {
            batches.add(List.copyOf(batch.keySet()));
            if (batches.size() == 1) {
                throw new IllegalStateException("the store is down (test)");
            }
        };
        Gathering<String, Integer> gathering = new Gathering<>(task -> {
            throw new RejectedExecutionException("closing (test)");
        }, failingFirst);

        assertThat(gathering.add("a", 1)).isTrue();
        assertThat(batches).as("ran at once, here").containsExactly(List.of("a"));
        assertThat(gathering.whenDone()).as("a failed batch does not leave it draining").isDone();

        assertThat(gathering.add("b", 2)).isTrue();
        assertThat(batches).containsExactly(List.of("a"), List.of("b"));
    }

    private static Map<String, Integer> map(String... keys) {
        Map<String, Integer> entries = new LinkedHashMap<>();
        for (String key : keys) {
            entries.put(key, entries.size());
        }
        return entries;
    }
}
