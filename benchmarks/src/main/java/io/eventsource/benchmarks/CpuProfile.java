package io.eventsource.benchmarks;

import one.profiler.AsyncProfiler;
import one.profiler.AsyncProfilerLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where this JVM's CPU goes during one phase: async-profiler's on-CPU samples (one per millisecond of a thread on a
 * core, the JIT's and the GC's threads included), loaded through ap-loader, which carries its native library. A
 * sample counts once, for the innermost of its frames that says whose code runs: a read's statement counts for the
 * database client, its caller in the dispatcher for nothing. The same samples also count by the library's path that
 * asked for the work (the outermost frame of the library's own classes). The phase's collapsed stacks go to a file,
 * for a flame graph. Unlike the wall-clock {@link StackSampler}, it shows what costs CPU, not what waits.
 */
final class CpuProfile {
    /** Whose code a frame is, by the start of its name: the first that matches, from the innermost frame out. */
    private static final Map<String, String> OWNERS = owners();
    /** The library's paths, by the simple name of the outermost library class in a stack. */
    private static final Map<String, String> PATHS = paths();
    private static final String OTHER = "the JVM, the kernel, the JDK";
    /**
     * The library's classes that run other work (the scheduler's threads, the ack store's completions): a path is
     * named by what they run.
     */
    private static final List<String> CARRIERS = List.of("SystemScheduler", "RunsAnyway", "PeriodicWork");

    private final AsyncProfiler profiler;
    private final Path collapsed;

    private CpuProfile(AsyncProfiler profiler, Path collapsed) {
        this.profiler = profiler;
        this.collapsed = collapsed;
    }

    /**
     * Starts profiling.
     *
     * @param collapsed where {@link #stop} writes the phase's stacks
     * @throws IOException if the profiler cannot be loaded or started (an unsupported system, perf events refused)
     */
    static CpuProfile start(Path collapsed) throws IOException {
        AsyncProfiler profiler = AsyncProfilerLoader.load();
        // "cpu" needs perf events; where the kernel refuses them (perf_event_paranoid), an interval timer does
        try {
            profiler.execute("start,event=cpu,interval=1ms");
        } catch (IllegalStateException | IOException refused) {
            profiler.execute("start,event=itimer,interval=1ms");
        }
        return new CpuProfile(profiler, collapsed);
    }

    /** Stops profiling, writes the stacks and returns the lines to print. */
    List<String> stop() throws IOException {
        profiler.execute("stop");
        String stacks = profiler.dumpCollapsed(one.profiler.Counter.SAMPLES);
        Files.createDirectories(collapsed.toAbsolutePath().getParent());
        Files.writeString(collapsed, stacks);
        return summary(stacks, collapsed);
    }

    /** The shares of the samples by owner and by path, largest first. */
    static List<String> summary(String stacks, Path written) {
        Map<String, Long> byOwner = new LinkedHashMap<>();
        Map<String, Long> byPath = new LinkedHashMap<>();
        long total = 0;
        for (String line : stacks.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1).trim());
            String[] frames = line.substring(0, space).split(";");
            total += samples;
            byOwner.merge(owner(frames), samples, Long::sum);
            byPath.merge(path(frames), samples, Long::sum);
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  on-CPU profile of this JVM (async-profiler, 1 sample per ms on a core):"
                + " %,d samples, written to %s", total, written));
        lines.add("    whose code ran: " + shares(byOwner, total));
        lines.add("    for which path: " + shares(byPath, total));
        return lines;
    }

    private static String owner(String[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) {
            for (Map.Entry<String, String> owner : OWNERS.entrySet()) {
                if (frames[i].startsWith(owner.getKey())) {
                    return owner.getValue();
                }
            }
        }
        return OTHER;
    }

    private static String path(String[] frames) {
        for (String frame : frames) {
            if (frame.startsWith("CompileBroker") || frame.startsWith("G1") || frame.startsWith("GC")) {
                return "the JIT and the GC";
            }
            if (frame.startsWith("io/eventsource/") && !frame.startsWith("io/eventsource/benchmarks/")
                    && !frame.contains("HibernateAckStore.lambda$complete")) {
                String type = frame.substring(frame.lastIndexOf('/') + 1).split("[.$]")[0];
                if (!CARRIERS.contains(type)) {
                    return PATHS.getOrDefault(type, "the library, elsewhere (" + type + ")");
                }
            }
        }
        for (String frame : frames) {
            if (frame.startsWith("io/eventsource/benchmarks/")) {
                return "the benchmark's own (producers, raw clients)";
            }
            if (frame.startsWith("java/util/concurrent/ThreadPoolExecutor.getTask")
                    || frame.startsWith("java/util/concurrent/ForkJoinPool.awaitWork")) {
                return "pool threads waiting for work";
            }
            if (frame.startsWith("com/rabbitmq/")) {
                return "amqp-client's own threads (frames in, deliveries out)";
            }
        }
        return "none of the library's";
    }

    private static String shares(Map<String, Long> counts, long total) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Long> entry : sorted) {
            double share = total == 0 ? 0 : 100.0 * entry.getValue() / total;
            if (share < 1 && text.length() > 0) {
                break;
            }
            text.append(text.length() == 0 ? "" : ", ").append(entry.getKey())
                    .append(String.format(Locale.ROOT, " %.0f%%", share));
        }
        return text.toString();
    }

    private static Map<String, String> owners() {
        Map<String, String> owners = new LinkedHashMap<>();
        owners.put("CompileBroker", "the JIT compiler");
        owners.put("C2Compiler", "the JIT compiler");
        owners.put("G1", "the GC");
        owners.put("java/util/concurrent/ThreadPoolExecutor.getTask", "threads parking and waking (pools)");
        owners.put("java/util/concurrent/locks/LockSupport.park", "threads parking and waking (pools)");
        owners.put("java/util/concurrent/locks/LockSupport.unpark", "threads parking and waking (pools)");
        owners.put("com/mysql/", "the database client (Hibernate, Connector/J, HikariCP)");
        owners.put("org/hibernate/", "the database client (Hibernate, Connector/J, HikariCP)");
        owners.put("com/zaxxer/", "the database client (Hibernate, Connector/J, HikariCP)");
        owners.put("com/rabbitmq/", "the broker client (amqp-client)");
        owners.put("redis/clients/", "the registry client (Jedis)");
        owners.put("com/fasterxml/", "JSON (Jackson)");
        owners.put("org/slf4j/", "logging");
        owners.put("io/eventsource/benchmarks/", "the benchmark's own code");
        owners.put("io/eventsource/", "the library's own code");
        return owners;
    }

    private static Map<String, String> paths() {
        Map<String, String> paths = new LinkedHashMap<>();
        for (String type : List.of("RoutingPublisher", "Router", "Gathering", "Relay")) {
            paths.put(type, "publishing");
        }
        for (String type : List.of("Dispatcher", "AggregateConsumer", "AggregateConsumers", "PartitionConsumer",
                "PartitionConsumers", "SharedReads", "KnownAcks", "SerialLane", "BusListener", "QueueSubscription",
                "AggregateSubscription", "AnnouncementSubscription", "PartitionSubscription", "SerialExecutor")) {
            paths.put(type, "delivery");
        }
        paths.put("HibernateAckStore", "the ack writer");
        paths.put("Sweeper", "the sweeper");
        return paths;
    }
}
