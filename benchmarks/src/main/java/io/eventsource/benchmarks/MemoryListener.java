package io.eventsource.benchmarks;

import io.eventsource.core.Listener;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The listener whose heap the memory phase measures, alone in a JVM of its own (started by {@link MemoryProbe}):
 * one runtime, one listener of one service on one aggregate type, a handler that only counts. It speaks on standard
 * output, a line at a time: {@code ready <heap bytes after GC>} once listening, {@code handled <n>} every ten
 * seconds, {@code heap <heap bytes after GC> <handled>} once {@code expected} events were handled; then it stops when
 * standard input ends or says {@code stop}.
 *
 * <pre>{@code MemoryListener <namespace> <type> <service> <expected events>}</pre>
 */
public final class MemoryListener {
    private static final long PROGRESS_MILLIS = 10_000;

    private MemoryListener() {
    }

    public static void main(String[] args) throws Exception {
        Namespace namespace = Namespace.of(args[0]);
        AggregateType type = AggregateType.of(args[1]);
        ServiceName service = ServiceName.of(args[2]);
        long expected = Long.parseLong(args[3]);
        PrintStream out = System.out;
        LongAdder handled = new LongAdder();
        try (Node node = BenchSettings.fromEnvironment(System.getenv()).withNamespace(namespace).open("memory")) {
            Listener listener = node.eventsource().listener(service);
            listener.listen(type, Projection.of("view")).onAny(event -> handled.increment());
            listener.start();
            out.println("ready " + heapAfterGc());
            out.flush();
            long lastProgress = System.nanoTime();
            while (handled.sum() < expected) {
                TimeUnit.MILLISECONDS.sleep(50);
                if (System.nanoTime() - lastProgress > TimeUnit.MILLISECONDS.toNanos(PROGRESS_MILLIS)) {
                    out.println("handled " + handled.sum());
                    out.flush();
                    lastProgress = System.nanoTime();
                }
            }
            out.println("heap " + heapAfterGc() + " " + handled.sum());
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("stop")) {
                // wait for the word
            }
        }
        System.exit(0);
    }

    /** Used heap after full collections: what the live objects hold. */
    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
