package io.eventsource.examples;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.core.Publisher;
import io.eventsource.core.SweepPolicy;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.TopologyMismatchException;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The partitioned topology on the real RabbitMQ, Redis and MariaDB, with a service's instance in a JVM of its own:
 * the partitions spread over the live instances, the survivor of a {@code kill -9} is active on all of them within
 * seconds, nothing is lost or handled out of order, and a process that chose another topology is refused. Which
 * instance is active on a partition is read from the broker ({@code rabbitmqctl list_consumers}: the consumer tag
 * names the instance).
 */
class PartitionedTopologyIT {
    private static final AggregateTopology.Partitioned SIXTEEN = AggregateTopology.partitioned(16);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @BeforeAll
    static void servicesAreThere() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
    }

    @Test
    void twoInstancesShareTheSixteenPartitionsAndTheSurvivorOfAKillTakesAllLosingNothing() throws Exception {
        int aggregates = 200;
        int rounds = 10;
        RealSettings settings = partitioned("e2e_part");
        List<RealStack> stacks = new ArrayList<>();
        RealServicesIT.Records survivor = new RealServicesIT.Records();
        RealServicesIT.Records killed = new RealServicesIT.Records();
        Process instance = null;
        try {
            RealStack here = RealStack.open(settings);
            stacks.add(here);
            Listener listener = listen(here, survivor);
            awaitActive(settings, active -> active.getOrDefault(listener.instance(), 0) == 16, Duration.ofSeconds(30));

            CountDownLatch listening = new CountDownLatch(1);
            instance = RealServicesIT.startInstance(settings, "ads", killed, listening);
            assertThat(listening.await(2, TimeUnit.MINUTES)).as("the separate instance started").isTrue();
            long joined = System.nanoTime();
            String other = killed.instance;
            Map<String, Integer> balanced = awaitActive(settings, active -> active.size() == 2
                    && Math.abs(active.getOrDefault(listener.instance(), 0) - 8) <= 1
                    && Math.abs(active.getOrDefault(other, 0) - 8) <= 1, WITHIN);
            double balancedAfter = (System.nanoTime() - joined) / 1e9;
            assertThat(balanced).as("active partitions per instance, %.1f s after the second joined", balancedAfter)
                    .containsOnlyKeys(listener.instance(), other)
                    .allSatisfy((name, partitions) -> assertThat(partitions).isBetween(7, 9));

            RealStack producer = RealStack.open(settings);
            stacks.add(producer);
            Publisher publisher = producer.eventsource().publisher();
            Random random = new Random(11);
            publishRound(publisher, random, aggregates, 0, rounds / 2);
            boolean busy = here.awaitUntil(() -> killed.handled() >= 20, Duration.ofMinutes(2));
            assertThat(busy).as("the separate instance handled events before it was killed").isTrue();
            long killedAt = System.nanoTime();
            RealServicesIT.kill(instance, killed);
            Map<String, Integer> tookOver = awaitActive(settings,
                    active -> active.getOrDefault(listener.instance(), 0) == 16, WITHIN);
            double tookOverAfter = (System.nanoTime() - killedAt) / 1e9;
            assertThat(tookOver).as("active partitions %.1f s after the kill", tookOverAfter)
                    .containsEntry(listener.instance(), 16);
            publishRound(publisher, random, aggregates, rounds / 2, rounds);

            int events = aggregates * rounds;
            boolean settled = here.awaitUntil(() -> RealServicesIT.okAcks(settings) == events,
                    RealServicesIT.SETTLE_DEADLINE);
            assertThat(settled).as("settled: ok acks %d of %d", RealServicesIT.okAcks(settings), events).isTrue();
            RealServicesIT.assertAckTable(settings, events, List.of("ads"));
            Map<AggregateRef, List<Long>> bySurvivor = survivor.snapshot();
            Map<AggregateRef, List<Long>> byKilled = killed.snapshot();
            int handledTwice = 0;
            for (int i = 0; i < aggregates; i++) {
                AggregateRef product = Demo.product(i);
                List<Long> mine = bySurvivor.getOrDefault(product, List.of());
                List<Long> theirs = byKilled.getOrDefault(product, List.of());
                assertThat(mine).as("the survivor handled %s in order, none twice", product).isSorted()
                        .doesNotHaveDuplicates();
                assertThat(theirs).as("the killed instance handled %s in order, none twice", product).isSorted()
                        .doesNotHaveDuplicates();
                Set<Long> all = new TreeSet<>(mine);
                all.addAll(theirs);
                assertThat(all).as("%s handled by one instance or the other", product)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, rounds).boxed().toList());
                List<Long> both = new ArrayList<>(mine);
                both.retainAll(theirs);
                if (!both.isEmpty()) {
                    // only what the killed instance had in progress when it died: its last event of the product
                    assertThat(both).as("%s handled by both", product).containsExactly(theirs.get(theirs.size() - 1));
                    handledTwice++;
                }
            }
            System.out.printf(Locale.ROOT, "partitioned: balanced 8/8 %.1f s after the second instance joined (%s);"
                    + " the survivor active on all 16 %.1f s after the kill; %d events handled by the killed instance,"
                    + " %d in progress at the kill handled again%n", balancedAfter, balanced, tookOverAfter,
                    killed.handled(), handledTwice);
        } finally {
            if (instance != null) {
                instance.destroyForcibly();
            }
            RealServicesIT.closeAndDrop(settings, stacks);
        }
    }

    @Test
    void aProcessThatChoseAnotherTopologyForTheTypeIsRefusedNamingBoth() {
        RealSettings settings = partitioned("e2e_disagree");
        List<RealStack> stacks = new ArrayList<>();
        try {
            RealStack first = RealStack.open(settings);
            stacks.add(first);
            listen(first, new RealServicesIT.Records());

            RealStack seeds = RealStack.open(settings.withOptions(EventsourceOptions.defaults()));
            stacks.add(seeds);
            Listener disagreeing = seeds.eventsource().listener(io.eventsource.domain.ServiceName.of("products"));
            disagreeing.listen(Demo.PRODUCT, Demo.PROJECTIONS).onAny(event -> { });

            assertThatThrownBy(disagreeing::start).isInstanceOf(TopologyMismatchException.class)
                    .hasMessageContaining("\"Product\" is " + SIXTEEN.describe() + " in this namespace")
                    .hasMessageContaining("configured with per-aggregate");
            AggregateRef product = Demo.product(1);
            assertThatThrownBy(() -> seeds.eventsource().publisher().publish(product, ExpectedVersion.ANY,
                    List.of(Demo.created(new Random(1), product, "x-1", Instant.now()))))
                    .isInstanceOf(TopologyMismatchException.class);
            assertThat(seeds.eventLog().version(product)).as("nothing appended").isZero();
        } finally {
            RealServicesIT.closeAndDrop(settings, stacks);
        }
    }

    private static RealSettings partitioned(String label) {
        RealSettings settings = RealServicesIT.settings(label);
        // the survivor sweeps every second for events older than 3 s that it has no ack for
        return settings.withOptions(settings.options().withTopology(Demo.PRODUCT, SIXTEEN)
                .withSweep(new SweepPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMinutes(15),
                        500, 100)));
    }

    private static Listener listen(RealStack stack, RealServicesIT.Records records) {
        Demo.Projector projector = ServiceInstance.SERVICES.get("ads").get()
                .observedBy((event, view) -> records.add(event.aggregate(), event.sequence()));
        Listener listener = stack.eventsource().listener(projector.service());
        projector.bind(listener);
        listener.start();
        return listener;
    }

    /** Events {@code from + 1} to {@code to} of every product, one event per publish, products interleaved. */
    private static void publishRound(Publisher publisher, Random random, int aggregates, int from, int to)
            throws Exception {
        List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
        for (int round = from + 1; round <= to; round++) {
            for (int i = 0; i < aggregates; i++) {
                AggregateRef product = Demo.product(i);
                String id = "p-" + i + "-" + round;
                NewEvent event = round == 1 ? Demo.created(random, product, id, Instant.now())
                        : Demo.change(random, product, false, id, Instant.now());
                sent.add(publisher.publishAsync(product, ExpectedVersion.ANY, List.of(event)).toCompletableFuture());
            }
        }
        for (java.util.concurrent.CompletableFuture<?> publication : sent) {
            publication.get(2, TimeUnit.MINUTES);
        }
    }

    /** Polls the broker until {@code done} holds for the active partitions per instance; returns the last reading. */
    private static Map<String, Integer> awaitActive(RealSettings settings, Predicate<Map<String, Integer>> done,
                                                    Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, Integer> active = activePartitions(settings);
        while (!done.test(active) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            active = activePartitions(settings);
        }
        return active;
    }

    /**
     * Per instance, how many of the namespace's {@code ads} partition queues of {@code Product} it is the active
     * consumer of, as {@code rabbitmqctl list_consumers} reports (the consumer tag is {@code {instance}-p{k}}).
     */
    private static Map<String, Integer> activePartitions(RealSettings settings) throws IOException,
            InterruptedException {
        String prefix = settings.namespace().apply(Demo.PRODUCT.value() + "-p");
        Process process = new ProcessBuilder("rabbitmqctl", "list_consumers", "-s", "queue_name", "consumer_tag",
                "active").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("rabbitmqctl list_consumers: %s", output).isZero();
        Map<String, Integer> active = new TreeMap<>();
        output.lines().map(line -> line.split("\t")).filter(columns -> columns.length >= 3)
                .filter(columns -> columns[0].startsWith(prefix) && columns[0].endsWith("-ads"))
                .filter(columns -> columns[2].trim().equals("true"))
                .forEach(columns -> active.merge(columns[1].substring(0, columns[1].lastIndexOf("-p")), 1,
                        Integer::sum));
        return active;
    }
}
