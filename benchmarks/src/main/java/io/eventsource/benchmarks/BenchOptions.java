package io.eventsource.benchmarks;

import io.eventsource.domain.InvalidValueException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What one run measures and how long, from {@code -Dbench.*} system properties; every default is here. The defaults
 * keep a run under about five minutes on a 2-core machine; raise them for steadier figures.
 *
 * @param events          hot phases: at most this many events each (the library's and the raw client's)
 * @param seconds         hot phases: at most this long publishing each, so that a slow path still ends
 * @param aggregates      hot phases: the aggregates published to, round robin (their routes are made first)
 * @param inFlight        how many {@code publishAsync} calls one producer thread keeps in flight at most
 * @param threads         how many threads call {@code publish} in the second hot phase
 * @param cold            cold phases: at most this many new aggregates each (the library's and the raw client's),
 *                        within {@code seconds}
 * @param latencySeconds  latency phases: how long each publishes at the paced rate
 * @param latencyRate     latency phases: the rate, events/s; 0 for half the library's measured hot maximum
 * @param acks            acks phases: how many ack rows each writes
 * @param memoryAggregates memory phase: how many aggregates become active in the measured listener; below
 *                        {@value #MEMORY_TARGET_AGGREGATES} the figure for that many is projected from the growth per
 *                        aggregate (a run that measures 10,000 directly takes several minutes more)
 * @param queueExpiry     the runtimes' queue expiry ({@link io.eventsource.domain.ExpiryPolicy#queueExpiry()}), 120 s by
 *                        default rather than the seed's 30 s: the hot phases measure aggregates whose routes exist,
 *                        and making 1,000 routes takes longer than 30 s on a 2-core machine, so that with the seed's
 *                        expiry most of them are gone again when the hot phase reaches them ({@code 30} measures that)
 * @param idleTimeout     the runtimes' consumer idle timeout ({@link io.eventsource.domain.ExpiryPolicy#consumerIdleTimeout()}),
 *                        the seed's 5 s by default: an aggregate whose events come further apart than it starts its
 *                        consumers again for each, which a longer one spares at the cost of holding them longer
 * @param sample          whether the library's throughput phases run under the wall-clock {@link StackSampler} and print
 *                        where the time went; off by default, since taking every thread's stack ten times a second
 *                        costs the measured runtimes CPU (about 6% of the JVM's in a partitioned phase)
 * @param profile         whether the library's throughput and latency phases run under async-profiler
 *                        ({@link CpuProfile}) and print whose code the JVM's CPU ran and for which path; off by
 *                        default (the profiler costs the runtimes a few percent of CPU)
 * @param persistentEvents whether the events on aggregates' own queues are persistent messages
 *                        ({@link io.eventsource.adapter.rabbitmq.RabbitMqSettings#persistentAggregateEvents()}); off
 *                        by default, as the adapter's default
 * @param only            the phases to run ({@link #PHASES}); all by default
 * @param output          where the figures are written
 */
record BenchOptions(int events, Duration seconds, int aggregates, int inFlight, int threads, int cold,
                    Duration latencySeconds, double latencyRate, int acks, int memoryAggregates, Duration queueExpiry,
                    Duration idleTimeout, boolean sample, boolean profile, boolean persistentEvents, Set<String> only, Path output) {
    /** The phases, in the order they run. */
    static final Set<String> PHASES = Set.of("hot", "cold", "latency", "partitioned", "acks", "memory");
    /** The number of active aggregates that the memory target is about. */
    static final int MEMORY_TARGET_AGGREGATES = 10_000;

    BenchOptions {
        positive("bench.events", events);
        positive("bench.aggregates", aggregates);
        positive("bench.inflight", inFlight);
        positive("bench.threads", threads);
        positive("bench.cold", cold);
        positive("bench.acks", acks);
        positive("bench.memory.aggregates", memoryAggregates);
        if (seconds.isZero() || seconds.isNegative() || latencySeconds.isZero() || latencySeconds.isNegative()) {
            throw new InvalidValueException("bench.seconds and bench.latency.seconds must be positive, got " + seconds
                    + " and " + latencySeconds);
        }
        if (queueExpiry.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new InvalidValueException("bench.queue.expiry must be 10 seconds or more (longer than the consumer"
                    + " idle timeout), got " + queueExpiry.toSeconds());
        }
        if (idleTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.compareTo(queueExpiry) >= 0) {
            throw new InvalidValueException("bench.idle must be positive and shorter than bench.queue.expiry ("
                    + queueExpiry.toSeconds() + " s), got " + idleTimeout.toSeconds());
        }
        if (latencyRate < 0) {
            throw new InvalidValueException("bench.latency.rate must be 0 (half the hot maximum) or a positive rate in"
                    + " events/s, got " + latencyRate);
        }
        if (!PHASES.containsAll(only)) {
            throw new InvalidValueException("bench.only must name phases among " + new TreeSet<>(PHASES)
                    + ", comma-separated, got " + only);
        }
        only = Set.copyOf(only);
    }

    /** From the system properties; a property that is unset, empty or an unresolved {@code ${...}} takes its default. */
    static BenchOptions fromSystemProperties() {
        return new BenchOptions(
                read("bench.events", 20_000, Integer::parseInt),
                Duration.ofSeconds(read("bench.seconds", 20, Integer::parseInt)),
                read("bench.aggregates", 1_000, Integer::parseInt),
                read("bench.inflight", 256, Integer::parseInt),
                read("bench.threads", 4, Integer::parseInt),
                read("bench.cold", 200, Integer::parseInt),
                Duration.ofSeconds(read("bench.latency.seconds", 10, Integer::parseInt)),
                read("bench.latency.rate", 0.0, Double::parseDouble),
                read("bench.acks", 20_000, Integer::parseInt),
                read("bench.memory.aggregates", 2_000, Integer::parseInt),
                Duration.ofSeconds(read("bench.queue.expiry", 120, Integer::parseInt)),
                Duration.ofSeconds(read("bench.idle", 5, Integer::parseInt)),
                read("bench.sample", false, BenchOptions::parseBoolean),
                read("bench.profile", false, BenchOptions::parseBoolean),
                read("bench.persistent", false, BenchOptions::parseBoolean),
                read("bench.only", PHASES, text -> new TreeSet<>(Arrays.asList(text.toLowerCase(Locale.ROOT)
                        .split("\\s*,\\s*")))),
                read("bench.output", Path.of("target"), Path::of));
    }

    /** {@code true} or {@code false}, nothing else: a typo must not turn the sampler silently off. */
    private static boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false");
        };
    }

    boolean runs(String phase) {
        return only.contains(phase);
    }

    private static <T> T read(String name, T fallback, Function<String, T> parse) {
        String text = System.getProperty(name);
        if (text == null || text.isBlank() || text.startsWith("${")) {
            return fallback;
        }
        try {
            return parse.apply(text.trim());
        } catch (RuntimeException e) {
            throw new InvalidValueException(name + " could not be read from \"" + text + "\": " + e.getMessage());
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new InvalidValueException(name + " must be 1 or more, got " + value);
        }
    }
}
