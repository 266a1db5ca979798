package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Reads shared between the threads that ask for them at about the same time: the reads asked while
 * {@link #concurrentReads} are running wait and go together in the next one, as one batch query (group commit, for
 * reads). A listener checks every delivery against the log, and every aggregate that starts on a partition needs its
 * bindings' positions, on as many threads as it has busy aggregates; shared, those reads cost the store a query per
 * batch instead of one each.
 *
 * <p>Two ways to ask. {@link #read} blocks: no thread is kept waiting for others' reads, as the thread that runs a
 * read hands the next one to the oldest waiting thread once its own is read. {@link #readAsync} does not block: a
 * question waits without a thread, and the reads run on the executor given, each going on with the questions that
 * wait until none does. Asked asynchronously, a batch can carry as many questions as there are aggregates waiting
 * for one, not only as many as there are threads to wait.
 *
 * <p>A slot is only ever held by a thread that reads. A read started on an executor takes its slot once a thread of
 * the executor runs it, not when it is queued there: threads of that executor may themselves wait in {@link #read}
 * for a slot (a listener checks announcements on the scheduler's workers, which also run the partitions' reads), and
 * a slot held by a read queued behind them would never come free. For the same reason a thread whose own read is
 * done hands its slot only to another waiting thread; what waits without a thread gets a read started on its
 * executor.
 *
 * @param <Q> what one thread asks
 * @param <R> its answer
 */
final class SharedReads<Q, R> {
    /** Log reads running at once; more are queued into the next read. */
    static final int CONCURRENT_LOG_READS = 4;
    /** Position reads running at once. */
    static final int CONCURRENT_POSITION_READS = 2;
    /** The most questions one read carries. */
    static final int MAX_BATCH = 200;

    private final Function<List<Q>, List<R>> readAll;
    private final int concurrentReads;
    private final Deque<Wanted<Q, R>> waiting = new ArrayDeque<>();
    private int running;
    /** Reads asked to start on an executor, not running yet: each takes a slot when it runs, if one is free. */
    private int starting;

    /**
     * @param readAll         answers a batch of questions, in their order, in one read
     * @param concurrentReads reads running at once, 1 or more
     */
    SharedReads(Function<List<Q>, List<R>> readAll, int concurrentReads) {
        if (concurrentReads < 1) {
            throw new IllegalArgumentException("concurrentReads must be 1 or more, got " + concurrentReads);
        }
        this.readAll = readAll;
        this.concurrentReads = concurrentReads;
    }

    /**
     * Shared {@link EventLog#readAllLogged} reads: each answer is the aggregate's events with sequences in the range
     * that exist, in sequence order, as {@link EventLog#read(AggregateRef, long, long)} reads them, with their positions.
     */
    static SharedReads<SequenceRange, List<LoggedEvent>> ofLog(EventLog log) {
        return new SharedReads<>(log::readAllLogged, CONCURRENT_LOG_READS);
    }

    /**
     * Shared {@link AckStore#lastSequencesAll} reads: each answer is, per binding asked, the last sequence it has an
     * ack for on the aggregate. One read asks the store once per aggregate type.
     */
    static SharedReads<Positions, Map<Binding, Long>> ofPositions(AckStore acks) {
        return new SharedReads<>(asked -> {
            Map<List<Binding>, List<AggregateRef>> byBindings = new LinkedHashMap<>();
            for (Positions positions : asked) {
                byBindings.computeIfAbsent(positions.bindings(), bindings -> new ArrayList<>())
                        .add(positions.aggregate());
            }
            Map<List<Binding>, Map<AggregateRef, Map<Binding, Long>>> read = new LinkedHashMap<>();
            byBindings.forEach((bindings, aggregates) -> read.put(bindings, acks.lastSequencesAll(bindings, aggregates)));
            List<Map<Binding, Long>> answers = new ArrayList<>(asked.size());
            for (Positions positions : asked) {
                answers.add(read.get(positions.bindings()).get(positions.aggregate()));
            }
            return answers;
        }, CONCURRENT_POSITION_READS);
    }

    /** What a consumer that starts on an aggregate asks: the positions of these bindings (of its type) there. */
    record Positions(AggregateRef aggregate, List<Binding> bindings) {
        Positions {
            bindings = List.copyOf(bindings);
        }
    }

    /**
     * The answer to {@code question}, read alone or together with the questions other threads ask meanwhile.
     *
     * @throws io.eventsource.ports.PortException if the store could not be read
     */
    R read(Q question) {
        Wanted<Q, R> mine = new Wanted<>(question, null);
        boolean lead;
        synchronized (this) {
            waiting.add(mine);
            lead = running < concurrentReads;
            if (lead) {
                running++;
            }
        }
        if (!lead) {
            mine.woken.join();
            synchronized (this) {
                lead = mine.promoted;
            }
            if (!lead) {
                return result(mine);
            }
        }
        readUntilDone(mine);
        return result(mine);
    }

    /**
     * The answer to {@code question}, completed once a read on {@code reading} has read it, together with the
     * questions asked meanwhile; failed with the store's {@link io.eventsource.ports.PortException} if it could not
     * be read. Never blocks. The answer completes on the reading thread: a caller that goes on with blocking work
     * hands it to a thread of its own.
     */
    CompletableFuture<R> readAsync(Q question, Executor reading) {
        Objects.requireNonNull(reading, "reading");
        Wanted<Q, R> mine = new Wanted<>(question, reading);
        boolean start;
        synchronized (this) {
            waiting.add(mine);
            start = running + starting < concurrentReads;
            if (start) {
                starting++;
            }
        }
        if (start) {
            startReading(reading);
        }
        return mine.answer;
    }

    /** Starts a read on {@code reading}, counted in {@link #starting}: it takes a slot once it runs. */
    private void startReading(Executor reading) {
        RunsAnyway.of(reading).execute(this::readIfSlotFree);
    }

    /** Takes a slot, if one is free and a question waits, and reads while questions wait. */
    private void readIfSlotFree() {
        synchronized (this) {
            starting--;
            if (waiting.isEmpty() || running >= concurrentReads) {
                // those that read now read what waits before they give their slots up
                return;
            }
            running++;
        }
        readWhileWaiting();
    }

    /**
     * The executor of the oldest waiting question that no thread waits for, counted as starting, if a read may start
     * for it: a slot is free, and fewer reads are starting than such questions wait; called under the lock.
     */
    private Executor startFor() {
        if (running + starting >= concurrentReads) {
            return null;
        }
        Executor oldest = null;
        int unattended = 0;
        for (Wanted<Q, R> wanted : waiting) {
            if (wanted.reading != null) {
                oldest = oldest == null ? wanted.reading : oldest;
                unattended++;
            }
        }
        if (oldest == null || starting >= unattended) {
            return null;
        }
        starting++;
        return oldest;
    }

    /** Reads the waiting questions, a batch at a time, until none waits; then gives up its slot. */
    private void readWhileWaiting() {
        while (true) {
            List<Wanted<Q, R>> batch = new ArrayList<>();
            synchronized (this) {
                if (waiting.isEmpty()) {
                    running--;
                    return;
                }
                while (batch.size() < MAX_BATCH && !waiting.isEmpty()) {
                    batch.add(waiting.poll());
                }
            }
            readTogether(batch);
        }
    }

    /** How many reads wait for a slot now (for tests). */
    synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Runs reads of the oldest waiting questions until this thread's own is read, then hands its slot on; or gives
     * the slot up if its own question went into a read that another thread runs (the caller then waits for it).
     */
    private void readUntilDone(Wanted<Q, R> mine) {
        while (true) {
            List<Wanted<Q, R>> batch = new ArrayList<>();
            Wanted<Q, R> next = null;
            Executor start = null;
            synchronized (this) {
                if (mine.answer.isDone()) {
                    // hand the slot to the oldest thread that waits and was handed none yet (a question is handed one
                    // slot at most, or the slots of the others would be lost with it); else give it up, and start a
                    // read for what waits without a thread, which takes a slot when it runs
                    for (Wanted<Q, R> wanted : waiting) {
                        if (wanted.reading == null && !wanted.handed) {
                            next = wanted;
                            break;
                        }
                    }
                    if (next == null) {
                        running--;
                        start = startFor();
                    } else {
                        next.handed = true;
                        next.promoted = true;
                    }
                } else if (waiting.isEmpty()) {
                    // its question is in a read that another thread runs now: nothing for this slot to read, so it
                    // gives the slot up and waits for that read (a read of nothing would only spin)
                    running--;
                    return;
                } else {
                    while (batch.size() < MAX_BATCH && !waiting.isEmpty()) {
                        batch.add(waiting.poll());
                    }
                }
            }
            if (start != null) {
                startReading(start);
                return;
            }
            if (next != null) {
                next.woken.complete(null);
                return;
            }
            if (batch.isEmpty()) {
                return; // gave its slot up, with nothing left to start
            }
            readTogether(batch);
        }
    }

    private void readTogether(List<Wanted<Q, R>> batch) {
        List<Q> questions = new ArrayList<>(batch.size());
        batch.forEach(wanted -> questions.add(wanted.question));
        try {
            List<R> answers = readAll.apply(questions);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer.complete(answers.get(i));
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(wanted -> wanted.answer.completeExceptionally(e));
        } finally {
            batch.forEach(wanted -> wanted.woken.complete(null));
        }
    }

    private static <R> R result(Wanted<?, R> wanted) {
        try {
            return wanted.answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * One question: its answer once read, the signal that wakes the thread that asked it (read, or its turn to read),
     * and whether that thread was handed a slot to read in (guarded by the reads' lock); asked with
     * {@link #readAsync}, no thread waits, and its executor runs the read instead.
     */
    private static final class Wanted<Q, R> {
        private final Q question;
        /** Where a read for it runs when no thread waits for it; null if one does. */
        private final Executor reading;
        private final CompletableFuture<R> answer = new CompletableFuture<>();
        private final CompletableFuture<Void> woken = new CompletableFuture<>();
        /** Whether a thread that read handed its slot to this question (guarded by the reads' lock). */
        private boolean handed;
        private boolean promoted;

        Wanted(Q question, Executor reading) {
            this.question = question;
            this.reading = reading;
        }
    }
}
