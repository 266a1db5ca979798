package io.eventsource.examples;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.core.Publication;
import io.eventsource.core.Publisher;
import io.eventsource.core.SweepPolicy;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.ServiceName;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole system on the real services (RabbitMQ, Redis, MariaDB/MySQL found by {@link RealService}), each run in
 * a namespace of its own ({@code e2e_xxxxxxxx.}, after {@code EVENTSOURCE_NAMESPACE} if set: its broker names, Redis
 * keys and tables), dropped at the end. Every runtime is a {@link RealServicesComposition} of its own, with its own
 * broker connection, Redis pool and database pool, as separate processes would have: so the broker's single active
 * consumer really arbitrates between the instances of a service. The lifecycle is shortened by configuration
 * (1 s idle, 3 s queue expiry) so that the expiry can be watched.
 */
class RealServicesIT {
    private static final List<String> SERVICES = List.of("products", "ads", "api-legacy");
    static final ExpiryPolicy SHORT = new ExpiryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(1), Duration.ofSeconds(10));
    static final Duration SETTLE_DEADLINE = Duration.ofMinutes(4);
    /** How many events the instance to kill handles first: a small part of its share of the first burst. */
    private static final int KILL_AFTER_HANDLED = 10;

    @BeforeAll
    static void servicesAreThere() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
    }

    /**
     * Three services with two instances each (six runtimes) and a producer publishing 10,000 events over 1,000
     * products: every binding handles every event, in sequence order per product, none twice, as its handlers
     * recorded and as the ack table says; then, once idle consumers are cancelled and unused queues expire, no
     * exchange or queue of a product is left on the broker.
     */
    @Test
    void everyBindingHandlesEveryEventInOrderOnceAndNoProductQueueOutlivesItsExpiry() throws Exception {
        int aggregates = 1_000;
        int eventsPerAggregate = 10;
        int events = aggregates * eventsPerAggregate;
        RealSettings settings = settings("e2e");
        List<RealStack> stacks = new ArrayList<>();
        Map<String, Records> records = new TreeMap<>();
        try {
            for (String service : SERVICES) {
                Records recorded = new Records();
                records.put(service, recorded);
                for (int instance = 0; instance < 2; instance++) {
                    RealStack stack = RealStack.open(settings);
                    stacks.add(stack);
                    listen(stack, service, recorded);
                }
            }
            RealStack producer = RealStack.open(settings);
            stacks.add(producer);
            assertThat(producer.awaitUntil(() -> producer.registry().liveServices(Demo.PRODUCT, Instant.now()).size()
                    == SERVICES.size(), Duration.ofSeconds(30))).as("three live services").isTrue();

            long started = System.nanoTime();
            publishInWindows(producer.eventsource().publisher(), aggregates, eventsPerAggregate, 4);
            double publishSeconds = seconds(System.nanoTime() - started);
            boolean settled = producer.awaitUntil(() -> okAcks(settings) == (long) events * SERVICES.size()
                    && records.values().stream().allMatch(r -> r.handled() >= events), SETTLE_DEADLINE);
            double settleSeconds = seconds(System.nanoTime() - started);
            Instant lastAck = Instant.now();
            String figures = String.format(Locale.ROOT, "e2e: %d events over %d products published in %.1f s (%.0f/s);"
                            + " all %d handlings by 3 services x 2 instances acked after %.1f s: %.0f events/s end to end",
                    events, aggregates, publishSeconds, events / publishSeconds, events * SERVICES.size(), settleSeconds,
                    events / settleSeconds);
            System.out.println(figures);
            Files.writeString(Path.of("target", "e2e-figures.txt"), figures + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);

            assertThat(settled).as("settled within %s: ok acks %d of %d", SETTLE_DEADLINE, okAcks(settings),
                    (long) events * SERVICES.size()).isTrue();
            for (Map.Entry<String, Records> entry : records.entrySet()) {
                Map<AggregateRef, List<Long>> handled = entry.getValue().snapshot();
                assertThat(handled).as(entry.getKey() + ": products handled").hasSize(aggregates);
                List<Long> expected = LongStream.rangeClosed(1, eventsPerAggregate).boxed().toList();
                handled.forEach((aggregate, sequences) -> assertThat(sequences)
                        .as("%s handled %s in order, each once", entry.getKey(), aggregate).isEqualTo(expected));
            }
            assertAckTable(settings, events, SERVICES);

            // idle consumers end after 1 s, unused queues expire 3 s later, and each exchange goes with its last queue
            Duration limit = SHORT.consumerIdleTimeout().plus(SHORT.queueExpiry()).plus(Duration.ofSeconds(30));
            List<String> left = aggregateObjectsLeft(settings);
            long deadline = System.nanoTime() + limit.toNanos();
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.SECONDS.sleep(1);
                left = aggregateObjectsLeft(settings);
            }
            System.out.printf(Locale.ROOT, "e2e: product exchanges and queues gone %.1f s after the last ack%n",
                    Duration.between(lastAck, Instant.now()).toMillis() / 1000.0);
            assertThat(left).as("product exchanges and queues of %s left %s after the last ack", settings.namespace(),
                    limit).isEmpty();
        } finally {
            closeAndDrop(settings, stacks);
        }
    }

    /**
     * One instance of {@code ads} runs as a separate JVM (the scenario's {@link ServiceInstance}) and is killed with
     * SIGKILL while it works through a backlog (its connections drop without a goodbye), the other runs here; after
     * the kill the producer publishes to half of each instance's products only. Nothing is lost: every event is acked ok; the
     * survivor handles in order, none twice, everything the killed instance had not handled, including what it
     * had in flight, which the broker redelivers, and what it left of the products that get no later event,
     * which the survivor's sweeper (shortened to 1 s runs, 3 s grace) re-drives.
     */
    @Test
    void anInstanceKilledMidwayLosesNothingItsProductsGoToTheOtherInstanceInOrder() throws Exception {
        int aggregates = 50;
        int rounds = 20;
        // the survivor sweeps every second for events older than 3 s that it has no ack for
        RealSettings settings = settings("e2e_kill").withOptions(EventsourceOptions.defaults()
                .withSweep(new SweepPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMinutes(15),
                        500, 100)));
        List<RealStack> stacks = new ArrayList<>();
        Records survivor = new Records();
        Records killed = new Records();
        Process instance = null;
        try {
            RealStack here = RealStack.open(settings);
            stacks.add(here);
            listen(here, "ads", survivor);
            CountDownLatch listening = new CountDownLatch(1);
            instance = startInstance(settings, "ads", killed, listening);
            assertThat(listening.await(2, TimeUnit.MINUTES)).as("the separate instance started").isTrue();

            RealStack producer = RealStack.open(settings);
            stacks.add(producer);
            CountDownLatch killedLatch = new CountDownLatch(1);
            ExecutorService publishing = Executors.newSingleThreadExecutor();
            Future<?> published = publishing.submit(() -> {
                Publisher publisher = producer.eventsource().publisher();
                Random random = new Random(7);
                // the first half in a burst, ten events of a product per publish, so that the instances have a
                // backlog (queued, and prefetched in flight) when one of them dies
                for (int i = 0; i < aggregates; i++) {
                    AggregateRef product = Demo.product(i);
                    List<NewEvent> batch = new ArrayList<>();
                    for (int round = 0; round < rounds / 2; round++) {
                        String id = "k-" + i + "-" + round;
                        batch.add(round == 0 ? Demo.created(random, product, id, Instant.now())
                                : Demo.change(random, product, false, id, Instant.now()));
                    }
                    publisher.publish(product, ExpectedVersion.ANY, batch);
                }
                // the second half after the kill, whenever the kill happens, one event at a time of half of the products
                // only (0, 1, 4, 5, ...: announcements alternate between the instances): what the killed instance left
                // of the others has no later event to bring the news
                await(killedLatch);
                for (int round = rounds / 2; round < rounds; round++) {
                    for (int i = 0; i < aggregates; i++) {
                        if (!continued(i)) {
                            continue;
                        }
                        AggregateRef product = Demo.product(i);
                        NewEvent event = Demo.change(random, product, false, "k-" + i + "-" + round, Instant.now());
                        publisher.publish(product, ExpectedVersion.ANY, List.of(event));
                    }
                }
                return null;
            });
            // killed early in its share of the burst (about 250 events), so that it dies with a backlog: a faster
            // delivery path once let it finish everything before the kill, leaving nothing to take over
            boolean busy = here.awaitUntil(() -> killed.handled() >= KILL_AFTER_HANDLED, Duration.ofMinutes(2));
            kill(instance, killed);
            int handledByKilled = killed.handled();
            Map<AggregateRef, Long> versionAtKill = new HashMap<>();
            for (int i = 0; i < aggregates; i++) {
                versionAtKill.put(Demo.product(i), producer.eventLog().version(Demo.product(i)));
            }
            killedLatch.countDown();
            assertThat(busy).as("the separate instance handled events before it was killed").isTrue();
            published.get(3, TimeUnit.MINUTES);
            publishing.shutdown();

            int continuedProducts = (int) IntStream.range(0, aggregates).filter(RealServicesIT::continued).count();
            int events = continuedProducts * rounds + (aggregates - continuedProducts) * (rounds / 2);
            boolean settled = here.awaitUntil(() -> okAcks(settings) == events, SETTLE_DEADLINE);
            assertThat(settled).as("settled: ok acks %d of %d", okAcks(settings), events).isTrue();
            assertAckTable(settings, events, List.of("ads"));

            Map<AggregateRef, List<Long>> byKilled = killed.snapshot();
            Map<AggregateRef, List<Long>> bySurvivor = survivor.snapshot();
            int takenOver = 0;
            int swept = 0;
            int redelivered = 0;
            long leftByKilled = 0;
            for (int i = 0; i < aggregates; i++) {
                AggregateRef product = Demo.product(i);
                int last = continued(i) ? rounds : rounds / 2;
                List<Long> mine = bySurvivor.getOrDefault(product, List.of());
                List<Long> theirs = byKilled.getOrDefault(product, List.of());
                assertThat(mine).as("the survivor handled %s in order, none twice", product).isSorted()
                        .doesNotHaveDuplicates();
                assertThat(theirs).as("the killed instance handled %s in order, none twice", product).isSorted()
                        .doesNotHaveDuplicates();
                Set<Long> all = new java.util.TreeSet<>(mine);
                all.addAll(theirs);
                assertThat(all).as("%s handled by one instance or the other", product)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
                List<Long> both = new ArrayList<>(mine);
                both.retainAll(theirs);
                if (!both.isEmpty()) {
                    // only what the killed instance had in flight: its last event of the product, unacked when it died
                    assertThat(both).as("%s handled by both", product).containsExactly(theirs.get(theirs.size() - 1));
                    redelivered++;
                }
                if (!theirs.isEmpty() && theirs.get(theirs.size() - 1) < last) {
                    takenOver++;
                    if (last == rounds / 2) {
                        // no later event brought the news: the survivor got the product as the queue's standby
                        // consumer, or its sweeper found the events the killed instance left
                        swept++;
                    }
                    // published before the kill, not handled by the killed instance: queued or in flight when it died
                    leftByKilled += Math.max(0, versionAtKill.get(product) - theirs.get(theirs.size() - 1));
                }
            }
            System.out.printf(Locale.ROOT, "e2e kill: the killed instance had handled %d events; %d products taken over"
                    + " by the survivor (%d of them without later events), with %d events published"
                    + " before the kill that the killed instance had not handled; %d in-flight events handled again%n",
                    handledByKilled, takenOver, swept, leftByKilled, redelivered);
            assertThat(takenOver).as("products the survivor took over from the killed instance").isPositive();
            assertThat(swept).as("products taken over without later events").isPositive();
            assertThat(leftByKilled).as("events queued or in flight at the killed instance, handled by the survivor")
                    .isPositive();
        } finally {
            if (instance != null) {
                instance.destroyForcibly();
            }
            closeAndDrop(settings, stacks);
        }
    }

    /** Whether the kill test publishes to the product after the kill. */
    private static boolean continued(int product) {
        return product % 4 < 2;
    }

    static RealSettings settings(String label) {
        RealSettings fromEnvironment = RealSettings.fromEnvironment();
        return fromEnvironment.withExpiry(SHORT).withMySql(fromEnvironment.mySql().withPoolSize(3))
                .withNamespace(RealStack.freshNamespace(fromEnvironment.namespace(), label));
    }

    /** Starts the service's listener on the stack with its demo projection, recording what it handles. */
    static void listen(RealStack stack, String service, Records records) {
        Demo.Projector projector = ServiceInstance.SERVICES.get(service).get()
                .observedBy((event, view) -> records.add(event.aggregate(), event.sequence()));
        Listener listener = stack.eventsource().listener(projector.service());
        projector.bind(listener);
        listener.start();
    }

    /**
     * Publishes every product's events from {@code threads} threads, each product on one thread, in windows of five
     * products whose events interleave at random, one to three events of a product per publish: products are
     * handled concurrently, and each product's events come close together, as traffic does (and as the producer's
     * route cache, a third of the queue expiry, expects). Each thread calls {@code publishAsync} with up to 256 calls
     * in flight, so that calls gather into the publisher's batches; every publication must end well.
     */
    private static void publishInWindows(Publisher publisher, int aggregates, int perAggregate, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Semaphore inFlight = new Semaphore(256);
        List<CompletableFuture<Publication>> publications =
                new CopyOnWriteArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    Random random = new Random(thread);
                    List<Integer> mine = new ArrayList<>();
                    for (int i = thread; i < aggregates; i += threads) {
                        mine.add(i);
                    }
                    for (int from = 0; from < mine.size(); from += 5) {
                        List<Integer> window = new ArrayList<>(mine.subList(from, Math.min(mine.size(), from + 5)));
                        Map<Integer, Integer> sent = new HashMap<>();
                        while (!window.isEmpty()) {
                            int i = window.get(random.nextInt(window.size()));
                            int first = sent.getOrDefault(i, 0) + 1;
                            int last = Math.min(perAggregate, first + random.nextInt(3));
                            AggregateRef product = Demo.product(i);
                            List<NewEvent> batch = new ArrayList<>();
                            for (int k = first; k <= last; k++) {
                                String id = "e-" + i + "-" + k;
                                batch.add(k == 1 ? Demo.created(random, product, id, Instant.now())
                                        : Demo.change(random, product, false, id, Instant.now()));
                            }
                            inFlight.acquire();
                            publications.add(publisher.publishAsync(product, ExpectedVersion.ANY, batch)
                                    .toCompletableFuture().whenComplete((publication, error) -> inFlight.release()));
                            sent.put(i, last);
                            if (last == perAggregate) {
                                window.remove(Integer.valueOf(i));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(5, TimeUnit.MINUTES);
            }
            for (CompletableFuture<Publication> publication : publications) {
                assertThat(publication.get(2, TimeUnit.MINUTES).isSent()).as("published, not left to the relay").isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@link ServiceInstance} in a JVM of its own, as the README does, recording the events it prints. */
    static Process startInstance(RealSettings settings, String service, Records records,
                                 CountDownLatch listening) throws IOException {
        Path classpathFile = Path.of("target", "classpath");
        String classpath = Files.exists(classpathFile)
                ? Path.of("target", "classes") + java.io.File.pathSeparator + Files.readString(classpathFile).trim()
                : System.getProperty("jdk.module.path", "") + java.io.File.pathSeparator
                + System.getProperty("java.class.path", "");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, ServiceInstance.class.getName(), service).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("EVENTSOURCE_NAMESPACE", settings.namespace().prefix());
        environment.put(RealSettings.IDLE_VARIABLE, settings.expiry().consumerIdleTimeout().toMillis() + "ms");
        environment.put(RealSettings.EXPIRY_VARIABLE, settings.expiry().queueExpiry().toMillis() + "ms");
        environment.put(RealSettings.HEARTBEAT_VARIABLE, settings.expiry().heartbeatInterval().toMillis() + "ms");
        environment.put(RealSettings.LIVENESS_VARIABLE, settings.expiry().livenessTtl().toMillis() + "ms");
        StringBuilder partitioned = new StringBuilder();
        settings.options().topologies().forEach((type, topology) -> {
            if (topology instanceof io.eventsource.domain.AggregateTopology.Partitioned partitions) {
                partitioned.append(partitioned.length() == 0 ? "" : ",").append(type.value()).append('=')
                        .append(partitions.partitions());
            }
        });
        environment.put(RealSettings.PARTITIONS_VARIABLE, partitioned.toString());
        Process process = builder.start();
        Pattern handled = Pattern.compile("^" + Pattern.quote(service) + " (Product-\\S+) #(\\d+) ");
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    Matcher matcher = handled.matcher(line);
                    if (matcher.find()) {
                        String aggregate = matcher.group(1);
                        records.add(AggregateRef.of("Product", aggregate.substring("Product-".length())),
                                Long.parseLong(matcher.group(2)));
                    } else if (line.startsWith(service + " listening")) {
                        records.instance = line.substring(line.lastIndexOf(' ') + 1);
                        listening.countDown();
                    } else if (!line.isBlank()) {
                        System.out.println("[" + service + " instance] " + line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                System.out.println("[" + service + " instance] output ended: " + e);
            } finally {
                records.outputEnded.countDown();
            }
        }, "instance-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    /**
     * Kills a separate instance as {@code kill -9} does, and waits until every line it wrote is in its records.
     * {@link Process#destroyForcibly()} would close the stream of its output too, and lose what the instance printed
     * and the reader had not read yet: events handled, and acked, that the records would then miss.
     */
    static void kill(Process instance, Records records) throws InterruptedException {
        instance.toHandle().destroyForcibly();
        assertThat(instance.waitFor(30, TimeUnit.SECONDS)).as("the instance died").isTrue();
        assertThat(records.outputEnded.await(30, TimeUnit.SECONDS)).as("its output read to the end").isTrue();
    }

    /** The ok acks in the namespace's ack table. */
    static long okAcks(RealSettings settings) {
        try (Connection connection = connect(settings); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + settings.mySql().tablePrefix()
                     + "ack WHERE LOWER(status) = 'ok'")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * From the ack table alone: per binding, {@code events} acks, all ok, each after one attempt (a second handling
     * would add up); per product, its sequences from 1 without a hole, acked in sequence order.
     */
    static void assertAckTable(RealSettings settings, int events, List<String> services)
            throws SQLException {
        String table = settings.mySql().tablePrefix() + "ack";
        try (Connection connection = connect(settings); Statement statement = connection.createStatement()) {
            Map<String, String> counts = new TreeMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT service, projection, LOWER(status), COUNT(*),"
                    + " MAX(attempts) FROM " + table + " GROUP BY service, projection, LOWER(status)")) {
                while (rows.next()) {
                    counts.put(rows.getString(1) + "/" + rows.getString(2) + " " + rows.getString(3),
                            rows.getLong(4) + " acks, attempts at most " + rows.getInt(5));
                }
            }
            Map<String, String> expected = new TreeMap<>();
            for (String service : services) {
                expected.put(service + "/projections ok", events + " acks, attempts at most 1");
            }
            assertThat(counts).as("acks per binding and status").isEqualTo(expected);

            Map<String, List<Long>> sequences = new HashMap<>();
            Map<String, Long> lastAckedAt = new HashMap<>();
            AtomicInteger outOfOrder = new AtomicInteger();
            try (ResultSet rows = statement.executeQuery("SELECT service, aggregate_id, aggregate_sequence, acked_at_ns"
                    + " FROM " + table + " ORDER BY service, aggregate_id, aggregate_sequence")) {
                while (rows.next()) {
                    String key = rows.getString(1) + " " + rows.getString(2);
                    sequences.computeIfAbsent(key, k -> new ArrayList<>()).add(rows.getLong(3));
                    Long before = lastAckedAt.put(key, rows.getLong(4));
                    if (before != null && before >= rows.getLong(4)) {
                        outOfOrder.incrementAndGet();
                    }
                }
            }
            Map<String, List<Long>> incomplete = sequences.entrySet().stream()
                    .filter(entry -> !entry.getValue().equals(
                            LongStream.rangeClosed(1, entry.getValue().size()).boxed().toList()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(incomplete).as("products whose acks are not the sequences from 1 without a hole").isEmpty();
            assertThat(outOfOrder.get()).as("acks recorded out of sequence order").isZero();
        }
    }

    private static Connection connect(RealSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.mySql().jdbcUrl(), settings.mySql().user(),
                settings.mySql().password());
    }

    /**
     * The names of the namespace's product exchanges and queues ({@code {ns}Product-{id}...}) on the broker, listed
     * by {@code rabbitmqctl}, which unlike a passive declaration does not count as using a queue.
     */
    private static List<String> aggregateObjectsLeft(RealSettings settings) throws IOException, InterruptedException {
        return brokerObjects(settings.namespace().apply(Demo.PRODUCT.value() + "-"));
    }

    /** The queues and exchanges whose names start with {@code prefix}, as {@code rabbitmqctl} lists them. */
    static List<String> brokerObjects(String prefix) throws IOException, InterruptedException {
        List<String> found = new ArrayList<>();
        for (String listing : List.of("list_queues", "list_exchanges")) {
            Process process = new ProcessBuilder("rabbitmqctl", listing, "-s", "name").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as("rabbitmqctl %s: %s", listing, output).isZero();
            output.lines().map(String::trim).filter(name -> name.startsWith(prefix)).forEach(found::add);
        }
        return found;
    }

    static void closeAndDrop(RealSettings settings, List<RealStack> stacks) {
        Collections.reverse(stacks);
        stacks.forEach(RealStack::close);
        List<Binding> bindings = new ArrayList<>();
        for (String service : SERVICES) {
            bindings.add(new Binding(ServiceName.of(service), Demo.PRODUCT, Demo.PROJECTIONS));
        }
        NamespaceCleanup.drop(settings, bindings);
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** What one service's handlers handled, per product, in the order they handled it (all its instances here). */
    static final class Records {
        private final Map<AggregateRef, List<Long>> sequences = new ConcurrentHashMap<>();
        private final AtomicInteger handled = new AtomicInteger();
        /** The instance's name, as the separate instance printed it when it started listening. */
        volatile String instance;
        /** Counted down once the separate instance's output is read to its end. */
        final CountDownLatch outputEnded = new CountDownLatch(1);

        void add(AggregateRef aggregate, long sequence) {
            List<Long> list = sequences.computeIfAbsent(aggregate, a -> Collections.synchronizedList(new ArrayList<>()));
            list.add(sequence);
            handled.incrementAndGet();
        }

        int handled() {
            return handled.get();
        }

        Map<AggregateRef, List<Long>> snapshot() {
            Map<AggregateRef, List<Long>> copy = new HashMap<>();
            sequences.forEach((aggregate, list) -> {
                synchronized (list) {
                    copy.put(aggregate, List.copyOf(list));
                }
            });
            return copy;
        }
    }
}
