package io.eventsource.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time that this JVM (and, within it, the JIT's compiler threads), RabbitMQ, MariaDB/MySQL and Redis used
 * during a phase, from Linux's {@code /proc}: on the two cores that everything shares, it shows what a phase's rate is
 * bounded by. The services count only where they run on this machine; elsewhere, or without {@code /proc}, the line
 * says so. Times are in clock ticks of 1/100 s, Linux's {@code USER_HZ} on every common architecture.
 */
final class CpuShares {
    private static final double TICKS_PER_SECOND = 100.0;
    /** What the line calls each process, by its command name in {@code /proc/<pid>/comm}. */
    private static final Map<String, String> SERVICES = Map.of("beam.smp", "RabbitMQ", "mariadbd", "MariaDB",
            "mysqld", "MySQL", "redis-server", "Redis");
    private static final List<String> ORDER = List.of("this JVM", "its JIT", "RabbitMQ", "MariaDB", "MySQL", "Redis");

    private final Map<String, Long> before;
    private final long sleepsBefore;
    private final long startedNanos;

    private CpuShares(Map<String, Long> before, long sleepsBefore) {
        this.before = before;
        this.sleepsBefore = sleepsBefore;
        this.startedNanos = System.nanoTime();
    }

    /** Starts measuring now. */
    static CpuShares start() {
        return new CpuShares(ticks(), sleeps(Path.of("/proc/self")));
    }

    /**
     * "per event: this JVM's CPU outside the JIT 243 µs, its threads went to sleep 21.4 times": what this JVM spent on
     * each of {@code events} during the phase. On two full cores the rate moves with whatever else runs; the CPU
     * and the sleeps per event move with the work the library does for an event, so a change that saves a thread
     * hand-over (a sleep, then a wake-up) shows here when its rate is lost in the noise. A sleep is a voluntary
     * context switch (a thread parked, or waiting for a socket); the threads that ended during the phase are not
     * counted, so the sleeps are a lower bound.
     */
    String perEvent(long events) {
        Map<String, Long> after = ticks();
        long sleepsAfter = sleeps(Path.of("/proc/self"));
        if (events <= 0 || !after.containsKey("this JVM") || !before.containsKey("this JVM")) {
            return "per event: unknown (no events, or no /proc)";
        }
        long jit = after.containsKey("its JIT") && before.containsKey("its JIT")
                ? after.get("its JIT") - before.get("its JIT") : 0;
        double cpuMicros = (after.get("this JVM") - before.get("this JVM") - jit) / TICKS_PER_SECOND * 1e6 / events;
        String sleeps = sleepsBefore < 0 || sleepsAfter < 0 ? "unknown"
                : String.format(Locale.ROOT, "%.1f", (double) (sleepsAfter - sleepsBefore) / events);
        return String.format(Locale.ROOT, "per event: this JVM's CPU outside the JIT %.0f µs, its threads went to"
                + " sleep %s times", cpuMicros, sleeps);
    }

    /** "CPU during the phase, in % of one core: this JVM 109 (its JIT 55), RabbitMQ 36, MariaDB 45, Redis 0". */
    String summary() {
        Map<String, Long> after = ticks();
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        if (after.isEmpty() || seconds <= 0) {
            return "CPU shares unknown (no /proc)";
        }
        List<String> parts = new ArrayList<>();
        for (String name : ORDER) {
            if (!after.containsKey(name) || !before.containsKey(name)) {
                continue;
            }
            double percent = 100.0 * (after.get(name) - before.get(name)) / TICKS_PER_SECOND / seconds;
            String part = String.format(Locale.ROOT, "%s %.0f", name, percent);
            parts.add(name.equals("its JIT") ? "(" + part + ")" : part);
        }
        return "CPU during the phase, in % of one core: " + String.join(", ", parts).replace(", (", " (");
    }

    /**
     * The CPU time that this JVM's JIT compiler threads used so far, in seconds, or a negative number where
     * {@code /proc} does not tell.
     */
    static double jitSeconds() {
        long ticks = jitTicks(Path.of("/proc/self"));
        return ticks < 0 ? -1 : ticks / TICKS_PER_SECOND;
    }

    /** The ticks used so far per name; empty without {@code /proc}. */
    private static Map<String, Long> ticks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        Path self = Path.of("/proc/self");
        if (!Files.isDirectory(self)) {
            return ticks;
        }
        ticks.put("this JVM", used(self.resolve("stat")));
        long jit = jitTicks(self);
        if (jit >= 0) {
            ticks.put("its JIT", jit);
        }
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = SERVICES.get(comm(process));
                if (name != null) {
                    ticks.merge(name, used(process.resolve("stat")), Long::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            // only this JVM then
        }
        return ticks;
    }

    /** The ticks that the process's JIT compiler threads used so far, or -1 if its threads cannot be listed. */
    private static long jitTicks(Path process) {
        long jit = 0;
        try (Stream<Path> threads = Files.list(process.resolve("task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                // HotSpot names them "C2 CompilerThread0", "C1 CompilerThre" (truncated to 15 characters)
                if (comm(thread).contains("CompilerThre")) {
                    jit += used(thread.resolve("stat"));
                }
            }
            return jit;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The voluntary context switches of the process's live threads so far, or -1 if its threads cannot be listed. */
    private static long sleeps(Path process) {
        long sleeps = 0;
        try (Stream<Path> threads = Files.list(process.resolve("task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    sleeps += voluntarySwitches(Files.readString(thread.resolve("status"), StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the thread ended while listed
                }
            }
            return sleeps;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The {@code voluntary_ctxt_switches} of a thread's {@code status} text, 0 if it has none. */
    static long voluntarySwitches(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }

    private static String comm(Path process) {
        try {
            return Files.readString(process.resolve("comm"), StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** utime + stime of a {@code stat} file (fields 14 and 15, counted after the command name's closing parenthesis). */
    private static long used(Path stat) {
        try {
            String text = Files.readString(stat, StandardCharsets.US_ASCII);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
