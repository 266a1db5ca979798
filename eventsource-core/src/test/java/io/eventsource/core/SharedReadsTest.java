package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.ForwardingAckStore;
import io.eventsource.tck.ForwardingEventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class SharedReadsTest {
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
        for (int i = 0; i < SharedReads.CONCURRENT_LOG_READS + WAITING; i++) {
            AggregateRef aggregate = AggregateRef.of("Product", "shared-" + i);
            aggregates.add(aggregate);
            stored.append(aggregate, ExpectedVersion.NONE, List.of(event(), event(), event()));
        }
        Semaphore started = new Semaphore(0);
        CountDownLatch running = new CountDownLatch(SharedReads.CONCURRENT_LOG_READS);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> calls = new CopyOnWriteArrayList<>();
        AtomicBoolean blocking = new AtomicBoolean(true);
        EventLog log = new ForwardingEventLog(stored) {
            @Override
            public List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
                calls.add(ranges.size());
                if (blocking.get()) {
                    running.countDown();
                    started.release();
                    await(release);
                }
                return super.readAllLogged(ranges);
            }
        };
        SharedReads<SequenceRange, List<LoggedEvent>> reads = SharedReads.ofLog(log);

        List<Future<List<LoggedEvent>>> results = new ArrayList<>();
        for (int i = 0; i < SharedReads.CONCURRENT_LOG_READS; i++) {
            AggregateRef aggregate = aggregates.get(i);
            results.add(threads.submit(() -> reads.read(new SequenceRange(aggregate, 2, 3))));
            awaitStarted(started);
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).as("every slot runs a read").isTrue();
        blocking.set(false);
        for (int i = SharedReads.CONCURRENT_LOG_READS; i < aggregates.size(); i++) {
            AggregateRef aggregate = aggregates.get(i);
            results.add(threads.submit(() -> reads.read(new SequenceRange(aggregate, 2, 3))));
        }
        while (reads.waiting() < WAITING) {
            Thread.onSpinWait();
        }
        release.countDown();

        for (int i = 0; i < results.size(); i++) {
            List<LoggedEvent> events = results.get(i).get(10, TimeUnit.SECONDS);
            AggregateRef aggregate = aggregates.get(i);
            assertThat(events).extracting(SharedReadsTest::sequence).containsExactly(2L, 3L);
            assertThat(events).allSatisfy(logged -> assertThat(logged.event().aggregate()).isEqualTo(aggregate));
        }
        List<Integer> later = calls.subList(SharedReads.CONCURRENT_LOG_READS, calls.size());
        assertThat(later).as("the %d reads that waited went together", WAITING)
                .hasSizeLessThanOrEqualTo(SharedReads.CONCURRENT_LOG_READS);
        assertThat(later.stream().mapToInt(Integer::intValue).sum()).isEqualTo(WAITING);
        assertThat(calls).as("no read of nothing").doesNotContain(0);
        assertThat(reads.waiting()).isZero();
    }

    @Test
    void aFailedReadFailsEveryThreadOfItAndLeavesLaterReadsWorking() {
        EventLog stored = InMemoryPorts.create().eventLog();
        AggregateRef aggregate = AggregateRef.of("Product", "failing");
        stored.append(aggregate, ExpectedVersion.NONE, List.of(event()));
        AtomicBoolean failing = new AtomicBoolean(true);
        SharedReads<SequenceRange, List<LoggedEvent>> reads = SharedReads.ofLog(downWhile(stored, failing));

        for (int i = 0; i < SharedReads.CONCURRENT_LOG_READS + 1; i++) {
            assertThatThrownBy(() -> reads.read(new SequenceRange(aggregate, 1, 1))).isInstanceOf(TransientPortException.class)
                    .hasMessage("the log is down");
        }
        failing.set(false);

        assertThat(reads.read(new SequenceRange(aggregate, 1, 1))).extracting(SharedReadsTest::sequence).containsExactly(1L);
    }

    @Test
    void readsAskedAsynchronouslyWaitWithoutAThreadAndGoTogetherInOneReadOnTheExecutor() {
        EventLog stored = InMemoryPorts.create().eventLog();
        List<Integer> calls = new ArrayList<>();
        SharedReads<SequenceRange, List<LoggedEvent>> reads = SharedReads.ofLog(new ForwardingEventLog(stored) {
            @Override
            public List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
                calls.add(ranges.size());
                return super.readAllLogged(ranges);
            }
        });
        Deque<Runnable> executor = new ArrayDeque<>();
        int asked = SharedReads.CONCURRENT_LOG_READS + WAITING;
        List<AggregateRef> aggregates = new ArrayList<>();
        List<CompletableFuture<List<LoggedEvent>>> answers = new ArrayList<>();
        for (int i = 0; i < asked; i++) {
            AggregateRef aggregate = AggregateRef.of("Product", "async-" + i);
            aggregates.add(aggregate);
            stored.append(aggregate, ExpectedVersion.NONE, List.of(event(), event(), event()));
            answers.add(reads.readAsync(new SequenceRange(aggregate, 2, 3), executor::add));
        }

        assertThat(answers).noneMatch(CompletableFuture::isDone);
        assertThat(executor).as("one read started per slot, none per question").hasSize(SharedReads.CONCURRENT_LOG_READS);
        assertThat(reads.waiting()).isEqualTo(asked);

        executor.poll().run();

        assertThat(calls).as("the first read takes every question that waits").containsExactly(asked);
        for (int i = 0; i < asked; i++) {
            List<LoggedEvent> events = answers.get(i).join();
            AggregateRef aggregate = aggregates.get(i);
            assertThat(events).extracting(SharedReadsTest::sequence).containsExactly(2L, 3L);
            assertThat(events).allSatisfy(logged -> assertThat(logged.event().aggregate()).isEqualTo(aggregate));
        }
        while (!executor.isEmpty()) {
            executor.poll().run();
        }
        assertThat(calls).as("the other reads found nothing waiting and gave their slots up").hasSize(1);

        CompletableFuture<List<LoggedEvent>> later = reads.readAsync(new SequenceRange(aggregates.get(0), 1, 1), executor::add);
        assertThat(executor).as("a slot is free again").hasSize(1);
        executor.poll().run();
        assertThat(later.join()).extracting(SharedReadsTest::sequence).containsExactly(1L);
    }

    /**
     * The test's thread is the executor's only thread, and every read it was asked to start is still queued there: a
     * read it asks itself must not wait for their slots, which they take only once they run, on this very thread.
     */
    @Test
    void aThreadOfTheExecutorNeverWaitsForASlotOfAReadQueuedOnIt() {
        EventLog stored = InMemoryPorts.create().eventLog();
        SharedReads<SequenceRange, List<LoggedEvent>> reads = SharedReads.ofLog(stored);
        Deque<Runnable> executor = new ArrayDeque<>();
        List<CompletableFuture<List<LoggedEvent>>> queued = new ArrayList<>();
        for (int i = 0; i < SharedReads.CONCURRENT_LOG_READS; i++) {
            AggregateRef aggregate = AggregateRef.of("Product", "queued-" + i);
            stored.append(aggregate, ExpectedVersion.NONE, List.of(event()));
            queued.add(reads.readAsync(new SequenceRange(aggregate, 1, 1), executor::add));
        }
        assertThat(executor).as("a read started per slot, all queued").hasSize(SharedReads.CONCURRENT_LOG_READS);
        AggregateRef mine = AggregateRef.of("Product", "mine");
        stored.append(mine, ExpectedVersion.NONE, List.of(event()));

        List<LoggedEvent> read = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> reads.read(new SequenceRange(mine, 1, 1)));

        assertThat(read).extracting(SharedReadsTest::sequence).containsExactly(1L);
        assertThat(queued).as("read together with it").allMatch(CompletableFuture::isDone);
        while (!executor.isEmpty()) {
            executor.poll().run();
        }
        assertThat(reads.waiting()).isZero();
    }

    @Test
    void aFailedAsynchronousReadFailsEveryAnswerOfItAndLeavesLaterReadsWorking() {
        EventLog stored = InMemoryPorts.create().eventLog();
        AggregateRef aggregate = AggregateRef.of("Product", "async-failing");
        stored.append(aggregate, ExpectedVersion.NONE, List.of(event()));
        AtomicBoolean failing = new AtomicBoolean(true);
        SharedReads<SequenceRange, List<LoggedEvent>> reads = SharedReads.ofLog(downWhile(stored, failing));
        Deque<Runnable> executor = new ArrayDeque<>();
        List<CompletableFuture<List<LoggedEvent>>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(reads.readAsync(new SequenceRange(aggregate, 1, 1), executor::add));
        }
        while (!executor.isEmpty()) {
            executor.poll().run();
        }

        assertThat(answers).allSatisfy(answer -> assertThatThrownBy(answer::join)
                .hasCauseInstanceOf(TransientPortException.class).hasRootCauseMessage("the log is down"));
        failing.set(false);
        CompletableFuture<List<LoggedEvent>> later = reads.readAsync(new SequenceRange(aggregate, 1, 1), executor::add);
        executor.poll().run();
        assertThat(later.join()).extracting(SharedReadsTest::sequence).containsExactly(1L);
    }

    @Test
    void aThreadThatReadStartsAReadOnTheExecutorOfAnAsynchronousQuestionThatWaits() throws Exception {
        EventLog stored = InMemoryPorts.create().eventLog();
        AggregateRef aggregate = AggregateRef.of("Product", "mixed");
        stored.append(aggregate, ExpectedVersion.NONE, List.of(event(), event()));
        Semaphore started = new Semaphore(0);
        CountDownLatch running = new CountDownLatch(SharedReads.CONCURRENT_LOG_READS);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean blocking = new AtomicBoolean(true);
        SharedReads<SequenceRange, List<LoggedEvent>> reads = SharedReads.ofLog(new ForwardingEventLog(stored) {
            @Override
            public List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
                if (blocking.get()) {
                    running.countDown();
                    started.release();
                    await(release);
                }
                return super.readAllLogged(ranges);
            }
        });
        List<Future<List<LoggedEvent>>> blocked = new ArrayList<>();
        for (int i = 0; i < SharedReads.CONCURRENT_LOG_READS; i++) {
            blocked.add(threads.submit(() -> reads.read(new SequenceRange(aggregate, 1, 1))));
            awaitStarted(started);
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).as("every slot runs a read").isTrue();
        blocking.set(false);
        Deque<Runnable> executor = new ArrayDeque<>();
        CompletableFuture<List<LoggedEvent>> asynchronous = reads.readAsync(new SequenceRange(aggregate, 2, 2), executor::add);
        assertThat(executor).as("no slot is free").isEmpty();

        release.countDown();
        for (Future<List<LoggedEvent>> read : blocked) {
            assertThat(read.get(10, TimeUnit.SECONDS)).extracting(SharedReadsTest::sequence).containsExactly(1L);
        }

        assertThat(asynchronous).isNotDone();
        assertThat(executor).as("one read started on the question's executor, to take a slot when it runs")
                .hasSize(1);
        executor.poll().run();
        assertThat(asynchronous.join()).extracting(SharedReadsTest::sequence).containsExactly(2L);
        assertThat(reads.waiting()).isZero();
    }

    @Test
    void positionsAskedWhileReadsRunGoTogetherInOneStoreQueryPerTypeAndEachThreadGetsItsAggregates() throws Exception {
        AckStore stored = InMemoryPorts.create().ackStore();
        Binding view = new Binding(ServiceName.of("products"), AggregateType.of("Product"), Projection.of("view"));
        Binding search = new Binding(view.service(), view.type(), Projection.of("search"));
        Binding orders = new Binding(view.service(), AggregateType.of("Order"), Projection.of("view"));
        List<SharedReads.Positions> asked = new ArrayList<>();
        List<Ack> acks = new ArrayList<>();
        int count = SharedReads.CONCURRENT_POSITION_READS + WAITING;
        for (int i = 0; i < count; i++) {
            // every other question is of another type, with a binding list of its own
            boolean product = i % 2 == 0;
            AggregateRef aggregate = AggregateRef.of(product ? "Product" : "Order", "p-" + i);
            asked.add(new SharedReads.Positions(aggregate, product ? List.of(view, search) : List.of(orders)));
            Event event = new NewEvent(EventId.random(), EventName.of("Changed"), Payload.json("{}"), Map.of(),
                    Instant.parse("2026-01-01T00:00:00Z")).at(aggregate, i + 1);
            acks.add(Ack.ok(event, product ? view : orders, 1, event.occurredAt()));
        }
        stored.record(acks).toCompletableFuture().join();
        Semaphore started = new Semaphore(0);
        CountDownLatch running = new CountDownLatch(SharedReads.CONCURRENT_POSITION_READS);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean blocking = new AtomicBoolean(true);
        List<Integer> calls = new CopyOnWriteArrayList<>();
        AckStore store = new ForwardingAckStore(stored) {
            @Override
            public Map<AggregateRef, Map<Binding, Long>> lastSequencesAll(Collection<Binding> bindings,
                                                                           Collection<AggregateRef> aggregates) {
                calls.add(aggregates.size());
                if (blocking.get()) {
                    running.countDown();
                    started.release();
                    await(release);
                }
                return super.lastSequencesAll(bindings, aggregates);
            }
        };
        SharedReads<SharedReads.Positions, Map<Binding, Long>> reads = SharedReads.ofPositions(store);

        List<Future<Map<Binding, Long>>> results = new ArrayList<>();
        for (int i = 0; i < SharedReads.CONCURRENT_POSITION_READS; i++) {
            SharedReads.Positions question = asked.get(i);
            results.add(threads.submit(() -> reads.read(question)));
            awaitStarted(started);
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).as("every slot runs a read").isTrue();
        blocking.set(false);
        for (int i = SharedReads.CONCURRENT_POSITION_READS; i < count; i++) {
            SharedReads.Positions question = asked.get(i);
            results.add(threads.submit(() -> reads.read(question)));
        }
        while (reads.waiting() < WAITING) {
            Thread.onSpinWait();
        }
        release.countDown();

        for (int i = 0; i < count; i++) {
            Map<Binding, Long> positions = results.get(i).get(10, TimeUnit.SECONDS);
            if (i % 2 == 0) {
                assertThat(positions).as("question %d", i).containsOnly(entry(view, i + 1L), entry(search, 0L));
            } else {
                assertThat(positions).as("question %d", i).containsOnly(entry(orders, i + 1L));
            }
        }
        List<Integer> later = calls.subList(SharedReads.CONCURRENT_POSITION_READS, calls.size());
        assertThat(later).as("the %d reads that waited went together, one store query per type per read", WAITING)
                .hasSizeLessThanOrEqualTo(2 * SharedReads.CONCURRENT_POSITION_READS);
        assertThat(later.stream().mapToInt(Integer::intValue).sum()).isEqualTo(WAITING);
    }

    private static NewEvent event() {
        return new NewEvent(EventId.random(), EventName.of("Changed"), Payload.json("{}"), Map.of(),
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A log whose reads fail with "the log is down" while {@code failing} is set. */
    private static long sequence(LoggedEvent logged) {
        return logged.event().sequence();
    }

    private static EventLog downWhile(EventLog stored, AtomicBoolean failing) {
        return new ForwardingEventLog(stored) {
            @Override
            public List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
                if (failing.get()) {
                    throw new TransientPortException("the log is down");
                }
                return super.readAllLogged(ranges);
            }
        };
    }

    /**
     * Waits until one more read has started: the first reads start one at a time, so that each carries its own
     * thread's question (started together, one read may take another's question, and that thread then waits for it
     * with no read of its own).
     */
    private static void awaitStarted(Semaphore started) throws InterruptedException {
        assertThat(started.tryAcquire(10, TimeUnit.SECONDS)).as("a read started").isTrue();
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
