package io.eventsource.benchmarks;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.AckStore;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.eventsource.benchmarks.Report.Direction.AT_LEAST;
import static io.eventsource.benchmarks.Report.Direction.AT_MOST;

/**
 * The benchmark: in one run, under a namespace of its own on the local services, it measures each path's ceiling
 * with the raw clients and then the library on the same path, and prints each ratio beside its target (issue 10):
 * <ul>
 *   <li><b>hot</b>: events/s end to end (handled and acked by all three services) over 1,000 aggregates whose routes
 *       exist, from one thread calling {@code publishAsync} (bounded in flight) and from four calling {@code publish},
 *       ÷ raw fanout-to-3 published/s, persistent, confirms per 100;</li>
 *   <li><b>cold</b>: events/s end to end, every event to a new aggregate, ÷ the raw declare rate (exchange, three
 *       {@code x-expires} single-active-consumer durable queues, three bindings, one publish);</li>
 *   <li><b>latency</b>: publish-to-handled p50 and p99 at half the hot maximum ÷ raw publish-to-consume at that rate;</li>
 *   <li><b>acks</b>: the ack store's rows/s ÷ plain batched JDBC inserts;</li>
 *   <li><b>memory</b>: the heap of one listener, alone in its JVM, after 10,000 aggregates became active (after GC).</li>
 *   <li><b>partitioned</b> (issue 12): the same three services on a type with {@value #PARTITIONS} partitions: cold
 *       events/s ÷ the per-aggregate cold events/s of this run, cold ÷ its own hot, and its hot ÷ raw fanout-to-3,
 *       each kind measured twice, in the order cold, hot, hot, cold.</li>
 * </ul>
 * Figures go to the console and to {@code bench-{time}.csv} and {@code .txt} in {@code bench.output}. Everything the run
 * made (broker objects, Redis keys, tables) is deleted at the end. Options: {@link BenchOptions}.
 */
public final class Benchmark {
    private static final int WARM_UP_AGGREGATES = 30;
    /** Threads that publish what only prepares a phase (routes, active aggregates): faster, and not measured. */
    static final int SETUP_THREADS = 8;
    private static final Duration COLD_LIMIT = Duration.ofMinutes(10);
    private static final int SAMPLED_PLACES = 8;
    /** The partitions of the partitioned phases' type. */
    static final int PARTITIONS = 16;
    /**
     * The partitioned type's warm-up publishes to new aggregates in rounds of this length before its first phase, so
     * that the JIT compiles the partitioned path before it is measured.
     */
    static final Duration WARM_UP_ROUND = Duration.ofSeconds(2);
    /** The warm-up lasts at least this long. */
    static final Duration WARM_UP_AT_LEAST = Duration.ofSeconds(5);
    /** The warm-up ends after this long whatever the JIT does, so that a run stays within minutes. */
    static final Duration WARM_UP_AT_MOST = Duration.ofSeconds(45);
    /**
     * The warm-up ends after {@link #JIT_QUIET_ROUNDS} rounds in a row in which the JIT's compiler threads used less
     * than this share of one core: the phases then measure the library, not the JIT (on two cores, four runtimes' code
     * still compiling takes half a core for a minute or more, and halves the partitioned rates).
     */
    static final double JIT_SETTLED = 0.15;
    /** How many quiet rounds in a row end a warm-up ({@link JitSettling}: one lull is not enough). */
    static final int JIT_QUIET_ROUNDS = 2;
    /** The longest the library's latency warm-up waits for the backlog of its consumers' starts to drain. */
    static final Duration LONGEST_LATENCY_WARM_UP = Duration.ofSeconds(60);

    private final BenchOptions options;
    private final BenchSettings settings;
    private final Report report;
    private final Database database;
    /** What the run made on the broker, for the cleanup. */
    private final Set<String> queues = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Set<String> exchanges = Collections.synchronizedSet(new LinkedHashSet<>());
    /** Whether the cleanup has started (it runs once: at the end, or from the shutdown hook). */
    private final AtomicBoolean cleaning = new AtomicBoolean();
    private boolean failures;
    /** The phases profiled so far ({@code bench.profile}), which number their files. */
    private int profiledPhases;
    /** The per-aggregate phases' figures, which the partitioned phases compare with. */
    private Throughput perAggregateCold;
    private Double rawHot;
    /** The raw client's hot rate over per-aggregate routes, the seed's topology's ceiling on this broker. */
    private Double rawPerAggregate;

    private Benchmark(BenchOptions options, BenchSettings settings, Report report) {
        this.options = options;
        this.settings = settings;
        this.report = report;
        this.database = new Database(settings.mySql());
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.fromSystemProperties();
        BenchSettings fresh = BenchSettings.fresh(System.getenv()).withQueueExpiry(options.queueExpiry())
                .withConsumerIdleTimeout(options.idleTimeout());
        BenchSettings settings = fresh.withRabbitMq(fresh.rabbitMq()
                .withPersistentAggregateEvents(options.persistentEvents()));
        Report report = new Report(System.out);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        report.say("eventsource benchmark %s in namespace %s on %s, %s, %s", stamp, settings.namespace().prefix(),
                settings.rabbitMq().uri().getHost(), settings.redis().redactedUri(), settings.mySql().jdbcUrl());
        report.say("options: %s", options);
        report.say("machine at start: %s", Machine.load());
        Benchmark benchmark = new Benchmark(options, settings, report);
        // a run stopped by a signal (Ctrl-C, kill) still removes what it made so far: partition queues outlive it by
        // a day, and tables forever
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // the runtimes first: live listeners would declare their partition queues again
            Node.closeAll();
            benchmark.cleanUp();
        }, "bench-cleanup"));
        long started = System.nanoTime();
        try {
            benchmark.run();
        } finally {
            benchmark.cleanUp();
        }
        report.say("machine at end: %s", Machine.load());
        report.say("run took %.0f s", RawAmqp.seconds(System.nanoTime() - started));
        report.printTable();
        List<Path> written = report.write(options.output(), "bench-" + stamp);
        Files.copy(written.get(0), options.output().resolve("bench-latest.csv"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        report.say("figures written to %s and %s", written.get(0), written.get(1));
        System.exit(benchmark.failures ? 1 : 0);
    }

    private void run() throws Exception {
        boolean hot = options.runs("hot") || (options.runs("latency") && options.latencyRate() == 0);
        boolean deployment = hot || options.runs("cold") || options.runs("latency");
        try (RawAmqp raw = new RawAmqp(settings.rabbitMq().uri(), settings.namespace(), settings.expiry())) {
            try {
                if (deployment) {
                    attempt("three services", () -> {
                        deploymentPhases(raw, hot);
                        return null;
                    });
                }
                if (options.runs("partitioned")) {
                    attempt("three services on partitions", () -> {
                        partitionedPhases(raw);
                        return null;
                    });
                }
                if (options.runs("acks")) {
                    acks();
                }
                if (options.runs("memory")) {
                    memory();
                }
            } finally {
                queues.addAll(raw.queues());
                exchanges.addAll(raw.exchanges());
            }
        }
    }

    private void deploymentPhases(RawAmqp raw, boolean hot) throws Exception {
        int services = ThreeServices.SERVICES.size();
        report.say("starting three services and a producer (four runtimes)");
        try (ThreeServices three = ThreeServices.start(settings, database)) {
            List<AggregateRef> warm = ThreeServices.aggregates("warm-", WARM_UP_AGGREGATES);
            List<AggregateRef> hotAggregates = ThreeServices.aggregates("p-", options.aggregates());
            remember(warm, ThreeServices.TYPE, ThreeServices.SERVICES);
            remember(hotAggregates, ThreeServices.TYPE, ThreeServices.SERVICES);
            Throughput warmUp = three.publishAsync(warm, warm.size(), COLD_LIMIT, options.inFlight());
            report.say("  warm-up: %d events to new aggregates, %s", warm.size(), describe(warmUp));

            if (options.runs("cold")) {
                // each raw ceiling is measured right before the library's run of the same path: the machine's speed
                // drifts within minutes, and the ratio should see the same machine on both sides
                Double rawCold = attempt("raw cold", () -> raw.declareRoutes(services, options.cold(),
                        options.seconds()));
                if (rawCold != null) {
                    report.say("  raw: declare exchange + %d queues + %d bindings + 1 publish: %s routes/s", services,
                            services, Report.number(rawCold));
                }
                List<AggregateRef> coldAggregates = ThreeServices.aggregates("c-", options.cold());
                remember(coldAggregates, ThreeServices.TYPE, ThreeServices.SERVICES);
                report.say("cold: one event to each new aggregate, publishAsync from one thread, at most %d in flight"
                        + " (at most %d aggregates or %s)", options.inFlight(), options.cold(), options.seconds());
                Throughput cold = sampled(() -> three.publishAsync(coldAggregates, options.cold(),
                        options.seconds(), options.inFlight()));
                perAggregateCold = cold;
                report.say("  %s", describe(cold));
                add(ratioRow("cold", cold, rawCold, "routes/s", 0.8, String.format(java.util.Locale.ROOT,
                        "end to end; the publisher's side alone %s events/s (%.2f of raw)",
                        Report.number(cold.publishedPerSecond()), rawCold == null ? Double.NaN
                                : cold.publishedPerSecond() / rawCold)));
            }
            Throughput hotAsync = null;
            if (hot) {
                quiet();
                rawHot = attempt("raw hot", () -> raw.fanout(services, options.events(), options.seconds()));
                if (rawHot != null) {
                    report.say("  raw: fanout to %d durable queues, persistent, confirms per %d: %s msgs/s", services,
                            RawAmqp.CONFIRM_BATCH, Report.number(rawHot));
                }
                // the same publishes spread over one exchange and three consumed queues per aggregate, persistent or
                // not as the library's are: what the broker itself does on the seed's topology, which the library's
                // hot phase below cannot exceed
                rawPerAggregate = attempt("raw hot on per-aggregate routes", () -> raw.perAggregateFanout(services,
                        options.aggregates(), options.events(), options.seconds(), options.persistentEvents()));
                if (rawPerAggregate != null) {
                    report.say("  raw: the same over %d exchanges, %d consumed queues each, %s: %s msgs/s",
                            options.aggregates(), services, options.persistentEvents() ? "persistent" : "transient",
                            Report.number(rawPerAggregate));
                }
            }
            if (hot || options.runs("latency")) {
                // The hot aggregates get their routes first: one event each, from several threads (not measured), in
                // reverse, so that the hot phase, which starts at p-0, first meets the routes made last: an unused
                // queue expires after the queue expiry, and the setup may take longer than that on a slow machine.
                report.say("routes for the hot phases: one event to each of %d new aggregates from %d threads",
                        hotAggregates.size(), SETUP_THREADS);
                List<AggregateRef> lastFirst = new ArrayList<>(hotAggregates);
                Collections.reverse(lastFirst);
                Throughput setup = three.publishFromThreads(lastFirst, lastFirst.size(), COLD_LIMIT, SETUP_THREADS);
                report.say("  %s", describe(setup));
            }
            if (hot) {
                // as before the partitioned phases: four runtimes' hot path still compiling took a third of a core
                // and more through a 20 s phase on two cores, which the raw client, a few classes, never pays
                report.say("hot, warm-up: publishAsync over the %d aggregates until the JIT has settled",
                        hotAggregates.size());
                warmUp("events to the hot aggregates", round -> three.publishAsync(hotAggregates, options.events(),
                        WARM_UP_ROUND, options.inFlight()));
                report.say("hot: publishAsync from one thread, at most %d in flight, over %d aggregates (at most %d"
                        + " events or %s)", options.inFlight(), hotAggregates.size(), options.events(), options.seconds());
                hotAsync = sampled(() -> three.publishAsync(hotAggregates, options.events(), options.seconds(),
                        options.inFlight()));
                report.say("  %s", describe(hotAsync));
                add(ratioRow("hot, publishAsync x1", hotAsync, rawHot, "msgs/s", 0.3, describe(hotAsync)));
                add(topologyCeilingRow(hotAsync));
                if (options.runs("hot")) {
                    report.say("hot: publish from %d threads", options.threads());
                    Throughput hotThreads = sampled(() -> three.publishFromThreads(hotAggregates, options.events(),
                            options.seconds(), options.threads()));
                    report.say("  %s", describe(hotThreads));
                    add(ratioRow("hot, publish x" + options.threads(), hotThreads, rawHot, "msgs/s", 0.1,
                            describe(hotThreads)));
                }
            }

            if (options.runs("latency")) {
                double rate = options.latencyRate() > 0 ? options.latencyRate()
                        : hotAsync != null && hotAsync.settled() ? hotAsync.eventsPerSecond() / 2 : Double.NaN;
                if (Double.isNaN(rate)) {
                    failed("latency", "no hot maximum to take half of (the hot phase failed); set bench.latency.rate");
                } else {
                    latency(raw, three, hotAggregates, rate);
                }
            }
        }
    }

    /**
     * The partitioned topology: the same three services on a type of its own with {@value #PARTITIONS} partitions.
     * After a warm-up ({@link #warmUp}: events to new aggregates until the JIT has settled): cold, one event to each new
     * aggregate, as many as the hot phases' events; hot, over the hot phases' aggregates; hot again; cold again. Each
     * ratio takes the mean of a kind's two phases.
     */
    private void partitionedPhases(RawAmqp raw) throws Exception {
        AggregateType type = ThreeServices.PARTITIONED_TYPE;
        BenchSettings partitioned = settings.withOptions(settings.options().withTopology(type,
                AggregateTopology.partitioned(PARTITIONS)));
        rememberPartitions(type, ThreeServices.SERVICES);
        report.say("partitioned: three services on %s with %d partitions each", type, PARTITIONS);
        try (ThreeServices three = ThreeServices.start(partitioned, database, type)) {
            warmUp("events to new aggregates", round -> three.publishAsync(ThreeServices.aggregates(type,
                    "warm" + round + "-", options.events()), options.events(), WARM_UP_ROUND, options.inFlight()));

            // Cold, hot, hot, cold: the machine drifts over a run (and the JIT may still compile some code of the
            // earlier phases during these), and in this order a steady drift weighs on both kinds alike. Each rate is
            // the mean of its two phases.
            List<AggregateRef> hotAggregates = ThreeServices.aggregates(type, "p-", options.aggregates());
            Throughput cold = partitionedCold(three, type, "c-", "partitioned cold");
            three.publishFromThreads(hotAggregates, hotAggregates.size(), COLD_LIMIT, SETUP_THREADS);
            Throughput hot = partitionedHot(three, hotAggregates, "partitioned hot");
            Throughput hotAgain = partitionedHot(three, hotAggregates, "partitioned hot, again");
            Throughput coldAgain = partitionedCold(three, type, "c2-", "partitioned cold, again");

            double perAggregate = perAggregateCold != null && perAggregateCold.settled()
                    ? perAggregateCold.eventsPerSecond() : Double.NaN;
            double coldRate = mean(cold, coldAgain);
            double hotRate = mean(hot, hotAgain);
            String colds = "the mean of " + describe(cold) + " and " + describe(coldAgain);
            String hots = "the mean of " + describe(hot) + " and " + describe(hotAgain);
            add(new Report.Row("partitioned cold / per-aggregate cold", coldRate, "events/s", perAggregate,
                    "events/s", coldRate / perAggregate, AT_LEAST, 50, "x", perAggregateCold == null
                    ? "the per-aggregate cold phase did not run (bench.only)" : colds));
            add(new Report.Row("partitioned cold / its hot", coldRate, "events/s", hotRate, "events/s",
                    coldRate / hotRate, AT_LEAST, 0.8, "", hots));
            double rawRate = rawHot == null ? Double.NaN : rawHot;
            add(new Report.Row("partitioned hot, publishAsync x1", hotRate, "events/s", rawRate, "msgs/s",
                    hotRate / rawRate, AT_LEAST, 0.3, "", rawHot == null
                    ? "no raw fanout figure: the hot phase did not run (bench.only)" : hots));
        }
    }

    /** One round of a warm-up, numbered from 0: what it published. */
    @FunctionalInterface
    private interface WarmUpRound {
        Throughput run(int round) throws Exception;
    }

    /**
     * Publishes in rounds of {@link #WARM_UP_ROUND} (not counted) until, after {@link #WARM_UP_AT_LEAST},
     * {@link #JIT_QUIET_ROUNDS} rounds in a row in which the JIT used less than {@link #JIT_SETTLED} of a core, or for
     * {@link #WARM_UP_AT_MOST} at most (or for {@link #WARM_UP_AT_LEAST} where {@code /proc} does not tell the JIT's
     * time). It prints the JIT's share in each round.
     *
     * @param what what the rounds publish, in words
     */
    private void warmUp(String what, WarmUpRound rounds) throws Exception {
        long started = System.nanoTime();
        JitSettling settling = new JitSettling(WARM_UP_AT_LEAST, WARM_UP_AT_MOST, JIT_SETTLED, JIT_QUIET_ROUNDS);
        List<String> shares = new ArrayList<>();
        long events = 0;
        JitSettling.Ended ended;
        do {
            double jitBefore = CpuShares.jitSeconds();
            long roundStarted = System.nanoTime();
            Throughput round = rounds.run(shares.size());
            events += round.published();
            double jitAfter = CpuShares.jitSeconds();
            double share = jitBefore < 0 || jitAfter < 0 ? Double.NaN
                    : Math.max(0, jitAfter - jitBefore) / ((System.nanoTime() - roundStarted) / 1e9);
            shares.add(Double.isNaN(share) ? "?" : String.format(java.util.Locale.ROOT, "%.0f", 100 * share));
            ended = settling.afterRound(share, Duration.ofNanos(System.nanoTime() - started));
        } while (ended == null);
        String why = switch (ended) {
            case SETTLED -> String.format(java.util.Locale.ROOT, "until the JIT used less than %.0f%% of a core in %d"
                    + " rounds in a row", 100 * JIT_SETTLED, JIT_QUIET_ROUNDS);
            case AT_MOST -> "the most it waits: the JIT had not settled";
            case UNKNOWN -> "the JIT's time unknown (no /proc)";
        };
        report.say("  warm-up (not counted): %d %s in %.1f s, %s; the JIT's share of a core in each round of %d s,"
                        + " in %%: %s", events, what, (System.nanoTime() - started) / 1e9, why,
                WARM_UP_ROUND.toSeconds(), String.join(", ", shares));
    }

    /** One partitioned cold phase: one event to each new aggregate named {@code prefix}0, 1, ... */
    private Throughput partitionedCold(ThreeServices three, AggregateType type, String prefix, String title)
            throws Exception {
        List<AggregateRef> aggregates = ThreeServices.aggregates(type, prefix, options.events());
        report.say("%s: one event to each new aggregate, publishAsync from one thread, at most %d in flight (at most %d"
                + " aggregates or %s)", title, options.inFlight(), options.events(), options.seconds());
        Throughput cold = sampled(() -> three.publishAsync(aggregates, options.events(), options.seconds(),
                options.inFlight()));
        report.say("  %s", describe(cold));
        return cold;
    }

    /** One partitioned hot phase over the aggregates, which exist. */
    private Throughput partitionedHot(ThreeServices three, List<AggregateRef> aggregates, String title)
            throws Exception {
        report.say("%s: publishAsync from one thread, at most %d in flight, over %d aggregates", title,
                options.inFlight(), aggregates.size());
        Throughput hot = sampled(() -> three.publishAsync(aggregates, options.events(), options.seconds(),
                options.inFlight()));
        report.say("  %s", describe(hot));
        return hot;
    }

    /** The mean rate end to end of two phases; NaN unless both settled. */
    private static double mean(Throughput first, Throughput second) {
        return first.settled() && second.settled()
                ? (first.eventsPerSecond() + second.eventsPerSecond()) / 2 : Double.NaN;
    }

    /** The partition queues and exchange of the type, for the cleanup. */
    private void rememberPartitions(AggregateType type, List<ServiceName> services) {
        Topology topology = Topology.of(settings.namespace());
        for (ServiceName service : services) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                queues.add(topology.partitionQueue(type, partition, service).value());
            }
            queues.add(topology.announcementQueue(type, service).value());
        }
        exchanges.add(topology.partitionExchange(type).value());
        exchanges.add(topology.announcementExchange(type).value());
    }

    /**
     * Latency at a steady rate. After {@link #quiet()} every consumer of the library has ended (the idle timeout), so
     * the first pass over the aggregates starts each one's consumers again (on the seed's topology, three consumers
     * per aggregate within one pass), and its events queue behind those starts; the passes after it drain that
     * backlog. The warm-up, not counted (its figures are printed apart), is two passes and a second, and then as long
     * as the backlog takes to drain and stay drained for a whole pass (at most {@link #LONGEST_LATENCY_WARM_UP}): the
     * figure is the latency at the rate, not how long 3,000 consumers take to start on the machine.
     * {@code bench.latency.seconds} are measured after it. The raw client, which has no consumer to start, runs the two
     * passes and a second, then the same window.
     */
    private void latency(RawAmqp raw, ThreeServices three, List<AggregateRef> aggregates, double rate)
            throws InterruptedException {
        Duration onePass = Duration.ofMillis((long) Math.ceil(aggregates.size() * 1000.0 / rate));
        Duration warmUp = max(options.latencySeconds().dividedBy(10), onePass.multipliedBy(2).plusSeconds(1));
        Duration duration = warmUp.plus(options.latencySeconds());
        quiet();
        report.say("latency: %s events/s (half the hot maximum unless set) for %s after a warm-up of at least %s (two"
                + " passes over the %d aggregates, the first of which starts their consumers again, and a second; for"
                + " the library, then until their backlog has drained and stayed so for a pass, at most %s)",
                Report.number(rate), options.latencySeconds(), warmUp, aggregates.size(), LONGEST_LATENCY_WARM_UP);
        Latencies rawLatencies = attempt("raw latency", () -> raw.latency(ThreeServices.SERVICES.size(), rate,
                duration, warmUp));
        ThreeServices.Paced paced = attempt("library latency", () -> sampled(() -> three.paced(aggregates, rate,
                warmUp, options.latencySeconds(), max(warmUp, LONGEST_LATENCY_WARM_UP), options.inFlight())));
        Latencies library = paced == null ? null : paced.measured();
        Latencies.Summary rawSummary = rawLatencies == null ? null : rawLatencies.summary();
        Latencies.Summary librarySummary = library == null ? null : library.summary();
        Latencies.Summary firstPass = paced == null ? null : paced.warmUp().summary();
        if (firstPass != null) {
            report.say("  library, warm-up (consumers starting, then their backlog draining) of %.1f s, %s: %d samples,"
                    + " p50 %.2f ms, p99 %.2f ms, max %.2f ms", paced.warmedUp().toMillis() / 1000.0,
                    paced.drained() ? "until the backlog had stayed drained for a pass" : "the longest: the backlog had NOT drained",
                    firstPass.count(), firstPass.p50Millis(), firstPass.p99Millis(), firstPass.maxMillis());
        }
        if (rawSummary != null) {
            report.say("  raw: %d samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms", rawSummary.count(),
                    rawSummary.p50Millis(), rawSummary.p99Millis(), rawSummary.maxMillis());
        }
        if (librarySummary != null) {
            report.say("  library: %d samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms", librarySummary.count(),
                    librarySummary.p50Millis(), librarySummary.p99Millis(), librarySummary.maxMillis());
            Latencies.Summary published = paced.published().summary();
            report.say("    of which the producer's side (due to publishAsync complete: append, publish, confirm):"
                    + " p50 %.2f ms, p99 %.2f ms, max %.2f ms", published.p50Millis(), published.p99Millis(),
                    published.maxMillis());
        }
        double rawP50 = rawSummary == null ? Double.NaN : rawSummary.p50Millis();
        double rawP99 = rawSummary == null ? Double.NaN : rawSummary.p99Millis();
        double libP50 = librarySummary == null ? Double.NaN : librarySummary.p50Millis();
        double libP99 = librarySummary == null ? Double.NaN : librarySummary.p99Millis();
        String note = String.format(java.util.Locale.ROOT, "at %s events/s, publish-to-handled per binding; %d and %d"
                        + " samples (the p99 of a few hundred samples is nearly their maximum: raise"
                        + " bench.latency.seconds); in the warm-up, while consumers start again and their backlog"
                        + " drains, p99 %s ms",
                Report.number(rate), librarySummary == null ? 0 : librarySummary.count(),
                rawSummary == null ? 0 : rawSummary.count(),
                firstPass == null ? "-" : String.format(java.util.Locale.ROOT, "%.0f", firstPass.p99Millis()));
        add(new Report.Row("latency p50", libP50, "ms", rawP50, "ms", libP50 / rawP50, AT_MOST, Double.NaN, "x",
                ""));
        add(new Report.Row("latency p99", libP99, "ms", rawP99, "ms", libP99 / rawP99, AT_MOST, 5, "x", note));
    }

    private void acks() throws Exception {
        int count = options.acks();
        report.say("acks: %d rows, plain JDBC in batches of %d on one connection, then the ack store from %d threads,"
                + " one ack per call", count, Database.BATCH, options.threads());
        Double raw;
        Double library;
        // the runtime first: its migration makes the ack table, whose copy the plain inserts go to (a run of this
        // phase alone has no earlier runtime that made it)
        try (Node node = settings.open("acks")) {
            raw = attempt("raw acks", () -> {
                database.insertAcks(Database.acks("jdbcwarm", Math.min(2_000, count)));
                return database.insertAcks(Database.acks("jdbc", count));
            });
            library = attempt("library acks", () -> {
                recordAcks(node.ackStore(), Database.acks("warm", Math.min(2_000, count)), options.threads());
                return recordAcks(node.ackStore(), Database.acks("library", count), options.threads());
            });
        }
        report.say("  raw %s rows/s, library %s rows/s", raw == null ? "-" : Report.number(raw),
                library == null ? "-" : Report.number(library));
        double libraryRate = library == null ? Double.NaN : library;
        double rawRate = raw == null ? Double.NaN : raw;
        add(new Report.Row("acks", libraryRate, "rows/s", rawRate, "rows/s", libraryRate / rawRate, AT_LEAST, 0.7, "",
                ""));
    }

    /** Callers record one ack each, as listeners do; the store batches them. */
    private static double recordAcks(AckStore store, List<Ack> acks, int threads) throws Exception {
        List<CompletableFuture<Void>> recorded = Collections.synchronizedList(new ArrayList<>(acks.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = thread; i < acks.size(); i += threads) {
                        recorded.add(store.record(List.of(acks.get(i))).toCompletableFuture());
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        return acks.size() / RawAmqp.seconds(System.nanoTime() - started);
    }

    private void memory() throws Exception {
        int count = options.memoryAggregates();
        int target = BenchOptions.MEMORY_TARGET_AGGREGATES;
        report.say("memory: one listener in a JVM of its own; one event to each of %d new aggregates from %d threads",
                count, SETUP_THREADS);
        List<AggregateRef> aggregates = MemoryProbe.aggregates(count);
        remember(aggregates, MemoryProbe.TYPE, List.of(MemoryProbe.SERVICE));
        Path log = options.output().resolve("memory-listener.log");
        Files.createDirectories(options.output());
        MemoryProbe.Memory memory;
        try (Node producer = settings.open("memory-producer")) {
            memory = attempt("memory", () -> MemoryProbe.measure(settings, producer, count, SETUP_THREADS, log));
        }
        String measure = String.format(java.util.Locale.ROOT, "memory, %,d active", target);
        if (memory == null) {
            add(Report.Row.failed(measure, AT_MOST, 256, " MB", "see above and " + log));
            return;
        }
        String measured = String.format(java.util.Locale.ROOT, "heap after GC %.0f MB listening, %.0f MB after %,d"
                        + " aggregates (%,.0f bytes each); published in %.0f s, all handled after %.0f s",
                memory.baselineBytes() / 1048576.0, memory.heapMegabytes(), count, memory.bytesPerAggregate(),
                memory.publishSeconds(), memory.handledSeconds());
        report.say("  %s", measured);
        double megabytes = count >= target ? memory.heapMegabytes()
                : (memory.baselineBytes() + target * Math.max(0, memory.bytesPerAggregate())) / 1048576.0;
        // the projection takes the growth as linear; with few aggregates, their consumers (all still live when the
        // heap is read) weigh more than they would among 10,000, so a small count overstates it
        String note = count >= target ? measured : "PROJECTED linearly from " + measured
                + "; -Dbench.memory.aggregates=" + target + " measures it";
        add(new Report.Row(measure, megabytes, "MB heap", Double.NaN, "", megabytes, AT_MOST, 256, " MB", note));
    }

    /**
     * Runs a library phase, under the wall-clock sampler when {@code bench.sample} asks for it (every throughput phase
     * of the library then runs under it, so that the ratios between them compare like with like), and under the CPU
     * profiler when {@code bench.profile} does.
     */
    private <T> T sampled(Callable<T> phase) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long compiledBefore = jit.getTotalCompilationTime();
        CpuShares cpu = CpuShares.start();
        StackSampler sampler = options.sample() ? StackSampler.start() : null;
        CpuProfile profile = options.profile() ? CpuProfile.start(options.output().resolve(
                String.format(Locale.ROOT, "cpu-%s%02d.collapsed", settings.namespace().prefix(), ++profiledPhases)))
                : null;
        T result;
        List<String> profiled = List.of();
        try {
            result = phase.call();
        } finally {
            if (sampler != null) {
                sampler.close();
            }
            if (profile != null) {
                profiled = profile.stop();
            }
        }
        // the JIT shares the two cores with everything measured: a phase that runs while it compiles is slower
        report.say("  the JIT compiled for %d ms (its threads' time) during the phase",
                jit.getTotalCompilationTime() - compiledBefore);
        report.say("  %s", cpu.summary());
        if (result instanceof Throughput throughput) {
            report.say("  %s", cpu.perEvent(throughput.published()));
        }
        profiled.forEach(line -> report.say("%s", line));
        if (sampler != null) {
            report.say("  where the time went (wall-clock samples every 100 ms; innermost library frame < top frame):");
            sampler.summary(SAMPLED_PLACES).forEach(line -> report.say("%s", line));
        }
        return result;
    }

    private Report.Row ratioRow(String measure, Throughput library, Double raw, String rawUnit, double target,
                                String note) {
        double rawRate = raw == null ? Double.NaN : raw;
        double rate = library.settled() ? library.eventsPerSecond() : Double.NaN;
        String fullNote = library.settled() ? note : "NOT SETTLED within the deadline: " + note;
        return new Report.Row(measure, rate, "events/s", rawRate, rawUnit, rate / rawRate, AT_LEAST, target, "",
                fullNote);
    }

    /**
     * Informational, no target: the library's hot rate on the seed's topology against the raw client's on the same
     * topology, and that raw rate against the plain fanout that the hot target is set against.
     */
    private Report.Row topologyCeilingRow(Throughput hot) {
        double rawRate = rawPerAggregate == null ? Double.NaN : rawPerAggregate;
        double rate = hot.settled() ? hot.eventsPerSecond() : Double.NaN;
        String note = rawHot == null || rawPerAggregate == null ? "a raw figure is missing"
                : String.format(java.util.Locale.ROOT, "raw per-aggregate routes (%s) reach %.2f of raw fanout on"
                        + " this broker: the seed's topology's ceiling", options.persistentEvents() ? "persistent"
                        : "transient", rawPerAggregate / rawHot);
        return new Report.Row("hot x1 / raw on per-aggregate routes", rate, "events/s", rawRate, "msgs/s",
                rate / rawRate, AT_LEAST, Double.NaN, "", note);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String describe(Throughput phase) {
        return String.format(java.util.Locale.ROOT, "%d events (%d left to the relay, %d failed) published in %.1f s"
                        + " (%s/s); handled and acked by every binding after %.1f s: %s events/s end to end%s",
                phase.published(), phase.pending(), phase.failed(), phase.publishSeconds(),
                Report.number(phase.publishedPerSecond()), phase.endToEndSeconds(),
                Report.number(phase.eventsPerSecond()), phase.settled() ? "" : " (NOT SETTLED)");
    }

    private void remember(List<AggregateRef> aggregates, AggregateType type, List<ServiceName> services) {
        Topology topology = Topology.of(settings.namespace());
        for (ServiceName service : services) {
            queues.add(topology.announcementQueue(type, service).value());
        }
        exchanges.add(topology.announcementExchange(type).value());
        for (AggregateRef aggregate : aggregates) {
            for (ServiceName service : services) {
                queues.add(topology.aggregateQueue(aggregate, service).value());
            }
            // auto-delete: goes with its last queue; deleted explicitly in case a queue was never made
            exchanges.add(topology.aggregateExchange(aggregate).value());
        }
    }

    /**
     * Waits until the consumers that the last phase started have ended (the idle timeout, and a second), so that the raw
     * client that measures next does not share the broker with hundreds of channels closing at once.
     */
    private void quiet() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(settings.expiry().consumerIdleTimeout().plusSeconds(1).toMillis());
    }

    private <T> T attempt(String phase, Callable<T> work) {
        try {
            return work.call();
        } catch (Exception | Error e) {
            failures = true;
            report.say("  %s FAILED: %s", phase, e);
            e.printStackTrace();
            return null;
        }
    }

    private void failed(String measure, String reason) {
        failures = true;
        add(Report.Row.failed(measure, AT_MOST, 5, "x", reason));
    }

    private void add(Report.Row row) {
        report.add(row);
    }

    /** Removes what the run made, once: at the run's end, or when the JVM is stopped before it. */
    private void cleanUp() {
        if (!cleaning.compareAndSet(false, true)) {
            return;
        }
        report.say("cleaning up %s: %d queues and %d exchanges, Redis keys, tables", settings.namespace().prefix(),
                queues.size(), exchanges.size());
        long started = System.nanoTime();
        try {
            Cleanup.broker(settings.rabbitMq().uri(), settings.namespace(), List.copyOf(queues),
                    List.copyOf(exchanges));
        } catch (Exception e) {
            report.say("  could not delete the broker objects: %s", e);
        }
        try {
            report.say("  Redis keys deleted: %s", Cleanup.redis(settings.redis().uri(), settings.namespace()));
        } catch (RuntimeException e) {
            report.say("  could not delete the Redis keys: %s", e);
        }
        try {
            report.say("  tables dropped: %s", database.dropTables());
        } catch (Exception e) {
            report.say("  could not drop the tables: %s", e);
        }
        report.say("  cleanup took %.1f s", RawAmqp.seconds(System.nanoTime() - started));
    }

    /** The machine's load, read from /proc where there is one: figures taken under load say so. */
    static final class Machine {
        private Machine() {
        }

        static String load() {
            String cores = Runtime.getRuntime().availableProcessors() + " cores";
            return cores + ", load average " + read("/proc/loadavg", 3) + ", CPU pressure " + read("/proc/pressure/cpu",
                    4);
        }

        private static String read(String file, int words) {
            try {
                String[] parts = Files.readString(Path.of(file), StandardCharsets.US_ASCII).trim().split("\\s+");
                return String.join(" ", java.util.Arrays.copyOf(parts, Math.min(words, parts.length)));
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }
    }
}
