package io.eventsource.benchmarks;

import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memory phase: starts {@link MemoryListener} in a JVM of its own, so that its heap holds one listener and
 * nothing of the benchmark, publishes one event to each of {@code aggregates} new aggregates of its type, and reads
 * the listener's heap after GC once it has handled them all.
 */
final class MemoryProbe {
    static final AggregateType TYPE = AggregateType.of("Mem");
    static final ServiceName SERVICE = ServiceName.of("memory");
    private static final Duration START_DEADLINE = Duration.ofMinutes(2);
    private static final Duration HANDLED_DEADLINE = Duration.ofMinutes(15);

    private MemoryProbe() {
    }

    /**
     * @param baselineBytes heap after GC of the listener before any event
     * @param heapBytes     heap after GC once every aggregate's event was handled
     */
    record Memory(int aggregates, long baselineBytes, long heapBytes, double publishSeconds, double handledSeconds) {
        double heapMegabytes() {
            return heapBytes / (1024.0 * 1024.0);
        }

        double bytesPerAggregate() {
            return (heapBytes - baselineBytes) / (double) aggregates;
        }
    }

    static List<AggregateRef> aggregates(int count) {
        List<AggregateRef> aggregates = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            aggregates.add(new AggregateRef(TYPE, AggregateId.of("m-" + i)));
        }
        return aggregates;
    }

    static Memory measure(BenchSettings settings, Node producer, int count, int threads, Path log) throws Exception {
        Process listener = new ProcessBuilder(command(settings, count))
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(listener.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
            lines.add("end");
        }, "bench-memory-reader");
        reader.setDaemon(true);
        reader.start();
        try (Writer stop = new OutputStreamWriter(listener.getOutputStream(), StandardCharsets.UTF_8)) {
            long baseline = Long.parseLong(await(lines, "ready", START_DEADLINE, log)[1]);
            long liveBy = System.nanoTime() + START_DEADLINE.toNanos();
            while (!producer.registry().liveServices(TYPE, Instant.now()).contains(SERVICE)) {
                if (System.nanoTime() > liveBy) {
                    throw new IllegalStateException("the memory listener was not live in the registry after "
                            + START_DEADLINE);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            long started = System.nanoTime();
            publishOneEach(producer.eventsource().publisher(), aggregates(count), threads);
            double publishSeconds = RawAmqp.seconds(System.nanoTime() - started);
            String[] heap = await(lines, "heap", HANDLED_DEADLINE, log);
            double handledSeconds = RawAmqp.seconds(System.nanoTime() - started);
            stop.write("stop\n");
            stop.flush();
            return new Memory(count, baseline, Long.parseLong(heap[1]), publishSeconds, handledSeconds);
        } finally {
            if (!listener.waitFor(60, TimeUnit.SECONDS)) {
                listener.destroy();
                if (!listener.waitFor(10, TimeUnit.SECONDS)) {
                    listener.destroyForcibly();
                }
            }
        }
    }

    /** The same JVM, class path and environment as this one, running {@link MemoryListener}. */
    private static List<String> command(BenchSettings settings, int count) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-Xmx1g");
        command.add("-Dorg.jboss.logging.provider=slf4j");
        // the class path, as the benchmark's own JVM (see the pom: Hibernate on a flat module path does not resolve)
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MemoryListener.class.getName());
        command.add(settings.namespace().prefix());
        command.add(TYPE.value());
        command.add(SERVICE.value());
        command.add(Integer.toString(count));
        return command;
    }

    private static String[] await(BlockingQueue<String> lines, String word, Duration limit, Path log)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            String line = lines.poll(remaining, TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            String[] words = line.trim().split(" ");
            if (words[0].equals(word)) {
                return words;
            }
            if (words[0].equals("handled")) {
                System.out.printf(Locale.ROOT, "    memory listener: %s events handled%n", words[1]);
            } else if (words[0].equals("end")) {
                throw new IllegalStateException("the memory listener ended before \"" + word + "\"; see " + log);
            }
        }
        throw new IllegalStateException("the memory listener did not say \"" + word + "\" within " + limit + "; see "
                + log);
    }

    private static void publishOneEach(Publisher publisher, List<AggregateRef> aggregates, int threads)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < aggregates.size()) {
                        publisher.publish(aggregates.get(i), EventName.of("ProductCreated"),
                                Payload.json("{\"sku\":\"m-" + i + "\"}"));
                    }
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
}
