package io.eventsource.benchmarks;

import io.eventsource.core.Listener;
import io.eventsource.core.Publication;
import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The scenario's deployment in one JVM: three services ({@code products}, {@code ads}, {@code api-legacy}), each a
 * runtime of its own (its own broker connection, Redis pool and database pool, as separate processes would have) with
 * one listener on {@code Product}, and a producer runtime. Handlers only count, and note the latency of events that
 * carry a send time, so that what is measured is the library and the services under it.
 */
final class ThreeServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ThreeServices.class);
    static final AggregateType TYPE = AggregateType.of("Product");
    /** The type of the partitioned phases: a type of its own, since a type has one topology in a namespace. */
    static final AggregateType PARTITIONED_TYPE = AggregateType.of("Order");
    static final List<ServiceName> SERVICES = List.of(ServiceName.of("products"), ServiceName.of("ads"),
            ServiceName.of("api-legacy"));
    private static final Projection PROJECTION = Projection.of("view");
    private static final EventName NAME = EventName.of("PriceChanged");
    /** Metadata key of the event's due time ({@link System#nanoTime()}), for the latency phase. */
    private static final String DUE = "bench-due-nanos";
    private static final Duration LIVE_DEADLINE = Duration.ofSeconds(60);
    /** How long after the last publication the bindings may take to handle and ack everything. */
    private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(3);

    private final AggregateType type;
    private final List<Node> services = new ArrayList<>();
    private final Node producer;
    private final Database database;
    private final Connection counting;
    private final LongAdder handled = new LongAdder();
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long warmUpFrom = Long.MAX_VALUE;
    private volatile Latencies latencies = new Latencies();
    private volatile Latencies warmUpLatencies = new Latencies();

    private ThreeServices(BenchSettings settings, Database database, AggregateType type) throws SQLException {
        this.database = database;
        this.type = type;
        try {
            for (ServiceName service : SERVICES) {
                Node node = settings.open(service.value());
                services.add(node);
                Listener listener = node.eventsource().listener(service);
                listener.listen(type, PROJECTION).onAny(this::handle);
                listener.start();
            }
            producer = settings.open("producer");
        } catch (RuntimeException e) {
            services.forEach(Node::close);
            throw e;
        }
        this.counting = database.connect();
    }

    /** Starts the three services and the producer, and waits until the registry has all three live. */
    static ThreeServices start(BenchSettings settings, Database database) throws Exception {
        return start(settings, database, TYPE);
    }

    /** As {@link #start(BenchSettings, Database)}, listening to {@code type} (with the settings' topology of it). */
    static ThreeServices start(BenchSettings settings, Database database, AggregateType type) throws Exception {
        ThreeServices deployment = new ThreeServices(settings, database, type);
        long deadline = System.nanoTime() + LIVE_DEADLINE.toNanos();
        while (!deployment.producer.registry().liveServices(type, Instant.now()).containsAll(SERVICES)) {
            if (System.nanoTime() > deadline) {
                deployment.close();
                throw new IllegalStateException("the three services were not live in the registry after "
                        + LIVE_DEADLINE);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return deployment;
    }

    Node producer() {
        return producer;
    }

    private void handle(Event event) {
        String due = event.metadata().get(DUE);
        if (due != null) {
            long dueNanos = Long.parseLong(due);
            if (dueNanos >= measureFrom) {
                latencies.add(System.nanoTime() - dueNanos);
            } else if (dueNanos >= warmUpFrom) {
                warmUpLatencies.add(System.nanoTime() - dueNanos);
            }
        }
        handled.increment();
    }

    static List<AggregateRef> aggregates(String prefix, int count) {
        return aggregates(TYPE, prefix, count);
    }

    static List<AggregateRef> aggregates(AggregateType type, String prefix, int count) {
        List<AggregateRef> aggregates = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            aggregates.add(new AggregateRef(type, AggregateId.of(prefix + i)));
        }
        return aggregates;
    }

    private static NewEvent event(long i, Map<String, String> metadata) {
        return new NewEvent(EventId.timeOrdered(Instant.now()), NAME, Payload.json("{\"sku\":\"p-" + i + "\",\"price\":" + (1000 + i % 997)
                + ",\"currency\":\"EUR\"}"), metadata, Instant.now());
    }

    /**
     * One producer thread calls {@code publishAsync} for event i on aggregate {@code i % aggregates}, at most
     * {@code inFlight} publications outstanding, until {@code maxEvents} or {@code limit}; then waits until every
     * binding handled and acked them.
     */
    Throughput publishAsync(List<AggregateRef> targets, int maxEvents, Duration limit, int inFlight) throws Exception {
        return endToEnd(counters -> inThreads(1, thread -> {
            Publisher publisher = producer.eventsource().publisher();
            Semaphore permits = new Semaphore(inFlight);
            long deadline = System.nanoTime() + limit.toNanos();
            for (int i = 0; i < maxEvents && System.nanoTime() < deadline; i++) {
                permits.acquireUninterruptibly();
                try {
                    publisher.publishAsync(targets.get(i % targets.size()), ExpectedVersion.ANY,
                                    List.of(event(i, Map.of())))
                            .whenComplete((publication, failure) -> {
                                counters.count(publication, failure);
                                permits.release();
                            });
                } catch (RuntimeException e) {
                    counters.count(null, e);
                    permits.release();
                }
            }
            permits.acquireUninterruptibly(inFlight);
        }));
    }

    /** {@code threads} threads call {@code publish}, aggregates round robin, until {@code maxEvents} or {@code limit}. */
    Throughput publishFromThreads(List<AggregateRef> targets, int maxEvents, Duration limit, int threads)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        return endToEnd(counters -> inThreads(threads, thread -> {
            Publisher publisher = producer.eventsource().publisher();
            long deadline = System.nanoTime() + limit.toNanos();
            int i;
            while ((i = next.getAndIncrement()) < maxEvents && System.nanoTime() < deadline) {
                try {
                    counters.count(publisher.publish(targets.get(i % targets.size()), ExpectedVersion.ANY,
                            List.of(event(i, Map.of()))), null);
                } catch (RuntimeException e) {
                    counters.count(null, e);
                }
            }
        }));
    }

    /**
     * Publishes one event to each target in turn at {@code rate} (one producer thread, {@code publishAsync}, at most
     * {@code inFlight} outstanding), and measures each event's latency from its due time to each binding's handling of
     * it. The first events are the warm-up, counted apart ({@link Paced#warmUp()}): at least {@code warmUp}, and then
     * until the deliveries outstanding have stayed at or below a quarter second's worth for a whole pass over the
     * targets (the backlog of the consumers' starts has drained, and stays so), or {@code longestWarmUp} has passed
     * ({@link WarmUp}). The {@code window} after it is measured.
     */
    Paced paced(List<AggregateRef> targets, double rate, Duration warmUp, Duration window, Duration longestWarmUp,
                int inFlight) throws Exception {
        Latencies measured = new Latencies();
        Latencies first = new Latencies();
        Latencies publishing = new Latencies();
        latencies = measured;
        warmUpLatencies = first;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        warmUpFrom = start;
        measureFrom = Long.MAX_VALUE;
        long handledBefore = handled.sum();
        long drainedBacklog = Math.max(1, (long) (rate * SERVICES.size() / 4));
        Duration onePass = Duration.ofNanos((long) (targets.size() * 1e9 / rate));
        WarmUp warmingUp = new WarmUp(start, warmUp, longestWarmUp, drainedBacklog, onePass);
        long[] measuredFrom = {Long.MAX_VALUE};
        endToEnd(counters -> inThreads(1, thread -> {
            Publisher publisher = producer.eventsource().publisher();
            Semaphore permits = new Semaphore(inFlight);
            Pacer pacer = new Pacer(start, rate);
            long end = Long.MAX_VALUE;
            long k = 0;
            for (long due = pacer.due(0); due < end; due = pacer.due(++k)) {
                Pacer.waitUntil(due);
                if (end == Long.MAX_VALUE
                        && warmingUp.over(due, k * SERVICES.size() - (handled.sum() - handledBefore))) {
                    measureFrom = due;
                    measuredFrom[0] = due;
                    end = due + window.toNanos();
                }
                permits.acquireUninterruptibly();
                long dueAt = due;
                boolean measuring = end != Long.MAX_VALUE;
                try {
                    publisher.publishAsync(targets.get((int) (k % targets.size())), ExpectedVersion.ANY,
                                    List.of(event(k, Map.of(DUE, Long.toString(due)))))
                            .whenComplete((publication, failure) -> {
                                if (measuring) {
                                    publishing.add(System.nanoTime() - dueAt);
                                }
                                counters.count(publication, failure);
                                permits.release();
                            });
                } catch (RuntimeException e) {
                    counters.count(null, e);
                    permits.release();
                }
            }
            permits.acquireUninterruptibly(inFlight);
        }));
        measureFrom = Long.MAX_VALUE;
        warmUpFrom = Long.MAX_VALUE;
        return new Paced(first, measured, publishing, Duration.ofNanos(measuredFrom[0] - start),
                warmingUp.drained());
    }

    /**
     * The latencies of a paced run: of the events due in its warm-up, and of the rest (the measured ones); of the
     * measured ones, also from their due time to the completion of their {@code publishAsync} (the append, the
     * publish and its confirm: the producer's side of the path); how long the warm-up took, and whether its backlog
     * had stayed drained for a pass then (else it ended at its longest).
     */
    record Paced(Latencies warmUp, Latencies measured, Latencies published, Duration warmedUp, boolean drained) {
    }

    /** Runs the publishing, then waits until the bindings handled every published event and their acks are stored. */
    private Throughput endToEnd(Publishing publishing) throws Exception {
        long handledBefore = handled.sum();
        long acksBefore = database.okAcks(counting, type);
        Counters counters = new Counters();
        long started = System.nanoTime();
        publishing.run(counters);
        long published = System.nanoTime();
        long expected = counters.published.get() * SERVICES.size();
        long deadline = published + SETTLE_DEADLINE.toNanos();
        boolean settled = false;
        while (System.nanoTime() < deadline) {
            // the in-memory count first; the ack table only once the handlers are through
            if (handled.sum() - handledBefore >= expected
                    && database.okAcks(counting, type) - acksBefore >= expected) {
                settled = true;
                break;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        long ended = System.nanoTime();
        if (!settled) {
            // a run that does not settle is the one to understand, and it may not come again soon
            System.out.printf("  did not settle: %d of %d handled; what every thread of this JVM was doing:%n%s",
                    handled.sum() - handledBefore, expected, threadDump());
        }
        return new Throughput(counters.published.get(), counters.pending.get(), counters.failed.get(),
                RawAmqp.seconds(published - started), RawAmqp.seconds(ended - started), settled);
    }

    /** Every thread of this JVM with its whole stack and the locks it holds or waits for, as jstack shows them. */
    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append("    \"").append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
            if (thread.getLockName() != null) {
                dump.append(" on ").append(thread.getLockName());
            }
            if (thread.getLockOwnerName() != null) {
                dump.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
            }
            dump.append(System.lineSeparator());
            for (StackTraceElement frame : thread.getStackTrace()) {
                dump.append("        at ").append(frame).append(System.lineSeparator());
            }
        }
        return dump.toString();
    }

    private static void inThreads(int threads, ThreadWork work) throws Exception {
        AtomicInteger numbers = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads,
                task -> new Thread(task, StackSampler.PRODUCER_PREFIX + numbers.incrementAndGet()));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    work.run(thread);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        try {
            counting.close();
        } catch (SQLException | RuntimeException e) {
            // only a count's connection
        }
        producer.close();
        services.forEach(Node::close);
    }

    /** What the publications of one phase ended as. */
    private static final class Counters {
        private final AtomicLong published = new AtomicLong();
        private final AtomicLong pending = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();

        void count(Publication publication, Throwable failure) {
            if (failure != null || publication == null) {
                if (failed.incrementAndGet() == 1) {
                    LOG.warn("a publish failed (further failures are only counted): {}", String.valueOf(failure));
                }
                return;
            }
            published.addAndGet(publication.events().size());
            if (!publication.isSent()) {
                pending.addAndGet(publication.events().size());
            }
        }
    }

    private interface Publishing {
        void run(Counters counters) throws Exception;
    }

    private interface ThreadWork {
        void run(int thread) throws Exception;
    }
}
