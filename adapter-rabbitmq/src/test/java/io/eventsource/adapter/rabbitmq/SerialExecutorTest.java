package io.eventsource.adapter.rabbitmq;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SerialExecutorTest {
    private final List<Runnable> pool = new ArrayList<>();
    private final SerialExecutor serial = new SerialExecutor(pool::add);
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsATaskOnTheCallingThreadWhenNothingRunsOrWaits() {
        serial.runHereIfIdle(() -> ran.add("here"));

        assertThat(ran).containsExactly("here");
        assertThat(pool).as("nothing handed to the pool").isEmpty();
    }

    @Test
    void queuesTheTaskBehindWhatWaitsOnThePool() {
        serial.execute(() -> ran.add("first"));

        serial.runHereIfIdle(() -> ran.add("second"));

        assertThat(ran).as("not ahead of the task that waits").isEmpty();
        assertThat(pool).hasSize(1);
        pool.remove(0).run();
        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void handsWhatIsQueuedWhileItRunsToThePoolNotToTheCallingThread() {
        serial.runHereIfIdle(() -> {
            ran.add("here");
            serial.execute(() -> ran.add("queued meanwhile"));
            serial.runHereIfIdle(() -> ran.add("asked meanwhile"));
        });

        assertThat(ran).containsExactly("here");
        assertThat(pool).hasSize(1);
        pool.remove(0).run();
        assertThat(ran).containsExactly("here", "queued meanwhile", "asked meanwhile");
        serial.runHereIfIdle(() -> ran.add("idle again"));
        assertThat(ran).last().isEqualTo("idle again");
        assertThat(pool).isEmpty();
    }

    @Test
    void goesOnAfterATaskThatThrows() {
        serial.runHereIfIdle(() -> {
            throw new IllegalStateException("a failing listener call");
        });

        serial.runHereIfIdle(() -> ran.add("next"));

        assertThat(ran).containsExactly("next");
        assertThat(pool).isEmpty();
    }
}
