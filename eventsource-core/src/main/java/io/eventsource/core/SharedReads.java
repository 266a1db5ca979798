package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.SequenceRange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Reads of aggregates' events, shared between the threads that ask for them at about the same time: the reads asked
 * while {@value #CONCURRENT_READS} are running wait and go together in the next one, as one
 * {@link EventLog#readAll} (group commit, for reads). A listener checks every delivery against the log, on as many
 * threads as it has busy aggregates; shared, those checks cost the log a query per batch instead of one each.
 *
 * <p>No thread is kept waiting for others' reads: the thread that runs a read hands the next one to the oldest
 * waiting thread once its own range is read.
 */
final class SharedLogReads {
    /** Reads running at once; more are queued into the next read. */
    static final int CONCURRENT_READS = 4;
    /** The most ranges one read carries. */
    static final int MAX_RANGES = 200;

    private final EventLog log;
    private final Deque<Wanted> waiting = new ArrayDeque<>();
    private int running;

    SharedLogReads(EventLog log) {
        this.log = log;
    }

    /**
     * The aggregate's events with sequences {@code from..to} that exist, in sequence order, as
     * {@link EventLog#read(AggregateRef, long, long)} reads them.
     *
     * @throws io.eventsource.ports.PortException if the log could not be read
     */
    List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
        Wanted mine = new Wanted(new SequenceRange(aggregate, fromSequence, toSequence));
        boolean lead;
        synchronized (this) {
            waiting.add(mine);
            lead = running < CONCURRENT_READS;
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

    /** How many reads wait for a slot now (for tests). */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Runs reads of the oldest waiting ranges until this thread's own is read, then hands its slot on. */
    private void readUntilDone(Wanted mine) {
        while (true) {
            List<Wanted> batch = new ArrayList<>();
            Wanted next = null;
            synchronized (this) {
                if (mine.events.isDone()) {
                    // hand the slot to the oldest waiting thread, or give it up
                    next = waiting.poll();
                    if (next == null) {
                        running--;
                        return;
                    }
                    next.promoted = true;
                    waiting.addFirst(next);
                } else {
                    while (batch.size() < MAX_RANGES && !waiting.isEmpty()) {
                        batch.add(waiting.poll());
                    }
                }
            }
            if (next != null) {
                next.woken.complete(null);
                return;
            }
            readTogether(batch);
        }
    }

    private void readTogether(List<Wanted> batch) {
        List<SequenceRange> ranges = new ArrayList<>(batch.size());
        batch.forEach(wanted -> ranges.add(wanted.range));
        try {
            List<List<Event>> found = log.readAll(ranges);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).events.complete(found.get(i));
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(wanted -> wanted.events.completeExceptionally(e));
        } finally {
            batch.forEach(wanted -> wanted.woken.complete(null));
        }
    }

    private static List<Event> result(Wanted wanted) {
        try {
            return wanted.events.join();
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
     * One thread's range: its events once read, the signal that wakes it (read, or its turn to read), and whether it
     * was handed a slot to read in (guarded by the reads' lock).
     */
    private static final class Wanted {
        private final SequenceRange range;
        private final CompletableFuture<List<Event>> events = new CompletableFuture<>();
        private final CompletableFuture<Void> woken = new CompletableFuture<>();
        private boolean promoted;

        Wanted(SequenceRange range) {
            this.range = range;
        }
    }
}
