package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.SequenceRange;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.ForwardingEventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedLogReadsTest {
    private static final int WAITING = 10;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void readsAskedWhileTheReadsRunGoTogetherAndEachThreadGetsItsOwnRange() throws Exception {
        EventLog stored = InMemoryPorts.create().eventLog();
        List<AggregateRef> aggregates = new ArrayList<>();
        for (int i = 0; i < SharedLogReads.CONCURRENT_READS + WAITING; i++) {
            AggregateRef aggregate = AggregateRef.of("Product", "shared-" + i);
            aggregates.add(aggregate);
            stored.append(aggregate, ExpectedVersion.NONE, List.of(event(), event(), event()));
        }
        CountDownLatch running = new CountDownLatch(SharedLogReads.CONCURRENT_READS);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> calls = new CopyOnWriteArrayList<>();
        AtomicBoolean blocking = new AtomicBoolean(true);
        EventLog log = new ForwardingEventLog(stored) {
            @Override
            public List<List<Event>> readAll(List<SequenceRange> ranges) {
                calls.add(ranges.size());
                if (blocking.get()) {
                    running.countDown();
                    await(release);
                }
                return super.readAll(ranges);
            }
        };
        SharedLogReads reads = new SharedLogReads(log);

        List<Future<List<Event>>> results = new ArrayList<>();
        for (int i = 0; i < SharedLogReads.CONCURRENT_READS; i++) {
            AggregateRef aggregate = aggregates.get(i);
            results.add(threads.submit(() -> reads.read(aggregate, 2, 3)));
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).as("every slot runs a read").isTrue();
        blocking.set(false);
        for (int i = SharedLogReads.CONCURRENT_READS; i < aggregates.size(); i++) {
            AggregateRef aggregate = aggregates.get(i);
            results.add(threads.submit(() -> reads.read(aggregate, 2, 3)));
        }
        while (reads.waiting() < WAITING) {
            Thread.onSpinWait();
        }
        release.countDown();

        for (int i = 0; i < results.size(); i++) {
            List<Event> events = results.get(i).get(10, TimeUnit.SECONDS);
            AggregateRef aggregate = aggregates.get(i);
            assertThat(events).extracting(Event::sequence).containsExactly(2L, 3L);
            assertThat(events).allSatisfy(event -> assertThat(event.aggregate()).isEqualTo(aggregate));
        }
        List<Integer> later = calls.subList(SharedLogReads.CONCURRENT_READS, calls.size());
        assertThat(later).as("the %d reads that waited went together", WAITING)
                .hasSizeLessThanOrEqualTo(SharedLogReads.CONCURRENT_READS);
        assertThat(later.stream().mapToInt(Integer::intValue).sum()).isEqualTo(WAITING);
        assertThat(reads.waiting()).isZero();
    }

    @Test
    void aFailedReadFailsEveryThreadOfItAndLeavesLaterReadsWorking() {
        EventLog stored = InMemoryPorts.create().eventLog();
        AggregateRef aggregate = AggregateRef.of("Product", "failing");
        stored.append(aggregate, ExpectedVersion.NONE, List.of(event()));
        AtomicBoolean failing = new AtomicBoolean(true);
        SharedLogReads reads = new SharedLogReads(new ForwardingEventLog(stored) {
            @Override
            public List<List<Event>> readAll(List<SequenceRange> ranges) {
                if (failing.get()) {
                    throw new TransientPortException("the log is down");
                }
                return super.readAll(ranges);
            }
        });

        for (int i = 0; i < SharedLogReads.CONCURRENT_READS + 1; i++) {
            assertThatThrownBy(() -> reads.read(aggregate, 1, 1)).isInstanceOf(TransientPortException.class)
                    .hasMessage("the log is down");
        }
        failing.set(false);

        assertThat(reads.read(aggregate, 1, 1)).extracting(Event::sequence).containsExactly(1L);
    }

    private static NewEvent event() {
        return new NewEvent(EventId.random(), EventName.of("Changed"), Payload.json("{}"), Map.of(),
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
