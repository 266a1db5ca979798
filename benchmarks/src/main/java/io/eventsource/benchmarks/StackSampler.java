package io.eventsource.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A wall-clock sampler, as repeated jstacks: every {@value #PERIOD_MILLIS} ms it takes the stacks of the JVM's threads
 * and counts, per group of threads, where they are. Producer threads ({@code bench-producer-*}) count in every sample
 * (waiting is what limits a synchronous path); the runtime's other threads count only while they are inside the
 * library, split into the publishing path (a publisher's batch, routing, the relay: every state, since a batch runs
 * on one thread and its waits are for the broker or the database) and the rest (delivery, heartbeats, the sweeper:
 * only running or blocked in I/O, since a parked thread there waits for work, which is not a cost). A place
 * is the innermost library frame and the frame on top
 * of the stack: {@code RabbitMqMessageBus.declareRoute < SocketInputStream.read} says that the route declaration waits
 * for the broker.
 */
final class StackSampler implements AutoCloseable {
    static final String PRODUCER_PREFIX = "bench-producer-";
    private static final long PERIOD_MILLIS = 100;
    private static final String LIBRARY = "io.eventsource.";
    private static final String HARNESS = "io.eventsource.benchmarks.";
    private static final String PRODUCERS = "producer threads (every state)";
    private static final String PUBLISHING = "runtime threads on the publishing path (every state)";
    private static final String DELIVERY = "runtime threads on the delivery path and the rest (running or in I/O)";
    /** Frames that put a runtime thread on the publishing path: the publisher's batches, routing, the relay. */
    private static final List<String> PUBLISHING_TYPES = List.of("io.eventsource.core.RoutingPublisher",
            "io.eventsource.core.Router", "io.eventsource.core.Relay");

    private final Map<String, Map<String, Integer>> counts = new HashMap<>();
    private final Map<String, Integer> samples = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private StackSampler() {
        thread = new Thread(this::run, "bench-sampler");
        thread.setDaemon(true);
    }

    static StackSampler start() {
        StackSampler sampler = new StackSampler();
        sampler.thread.start();
        return sampler;
    }

    private void run() {
        while (running) {
            sample();
            try {
                TimeUnit.MILLISECONDS.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            Thread sampled = entry.getKey();
            StackTraceElement[] stack = entry.getValue();
            if (sampled == thread || stack.length == 0) {
                continue;
            }
            boolean producer = sampled.getName().startsWith(PRODUCER_PREFIX);
            StackTraceElement library = innermostLibraryFrame(stack);
            if (!producer && library == null) {
                continue;
            }
            boolean publishing = !producer && publishing(stack);
            // on the publishing path a waiting thread waits for the broker or the database (a batch runs from start
            // to end on one thread); elsewhere a parked or waiting thread waits for work, which is not a cost
            if (!producer && !publishing && idle(stack[0])) {
                continue;
            }
            String group = producer ? PRODUCERS : publishing ? PUBLISHING : DELIVERY;
            String place = (library == null ? "(benchmark: in-flight bound or pacing)" : name(library)) + " < "
                    + name(stack[0]);
            synchronized (this) {
                samples.merge(group, 1, Integer::sum);
                counts.computeIfAbsent(group, g -> new HashMap<>()).merge(place, 1, Integer::sum);
            }
        }
    }

    private static boolean publishing(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            for (String type : PUBLISHING_TYPES) {
                if (frame.getClassName().startsWith(type)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean idle(StackTraceElement top) {
        String method = top.getClassName() + "." + top.getMethodName();
        return method.equals("java.lang.Object.wait") || method.equals("jdk.internal.misc.Unsafe.park")
                || method.equals("java.lang.Thread.sleep");
    }

    private static StackTraceElement innermostLibraryFrame(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().startsWith(LIBRARY) && !frame.getClassName().startsWith(HARNESS)) {
                return frame;
            }
        }
        return null;
    }

    private static String name(StackTraceElement frame) {
        String type = frame.getClassName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethodName();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The {@code top} most sampled places per group, with their share of the group's samples. */
    synchronized List<String> summary(int top) {
        List<String> lines = new ArrayList<>();
        for (String group : List.of(PRODUCERS, PUBLISHING, DELIVERY)) {
            Map<String, Integer> places = counts.get(group);
            if (places == null) {
                continue;
            }
            int total = samples.get(group);
            lines.add(String.format(Locale.ROOT, "  %s, %d samples:", group, total));
            places.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                    .limit(top)
                    .forEach(place -> lines.add(String.format(Locale.ROOT, "    %5.1f%%  %s",
                            100.0 * place.getValue() / total, place.getKey())));
        }
        return lines;
    }
}
