package io.eventsource.examples;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.FailurePolicy;
import io.eventsource.core.Listener;
import io.eventsource.core.ProjectionBinding;
import io.eventsource.core.ReplayRun;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ReplayRequest;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay by range on the real services (RabbitMQ, Redis, MariaDB/MySQL), in a namespace of its own: a listener of
 * {@code ads} with two bindings, {@code projections} and {@code search}, handles 240 events of 12 products; then
 * replays by position range, by time range and of failures only are handed to {@code projections} once more each, per
 * product in sequence order, while {@code search} sees nothing again; and a replay driven by another JVM that is
 * killed (kill -9) mid-way goes on from its stored progress without losing a selected event.
 */
class ReplayIT {
    private static final ExpiryPolicy SHORT = new ExpiryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(1), Duration.ofSeconds(10));
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Binding PROJECTIONS = new Binding(ADS, Demo.PRODUCT, Projection.of("projections"));
    private static final Binding SEARCH = new Binding(ADS, Demo.PRODUCT, Projection.of("search"));
    private static final int PRODUCTS = 12;
    private static final int EVENTS_PER_PRODUCT = 20;
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    private final List<RealStack> stacks = new ArrayList<>();
    /** What each binding's handler saw, in the order it saw it, as (product, sequence). */
    private final Map<Binding, List<Handled>> handled = new LinkedHashMap<>();
    private final AtomicBoolean poisonFails = new AtomicBoolean();
    private RealSettings settings;
    private RealStack listener;
    private ProjectionBinding projections;
    private List<LoggedEvent> log;

    @BeforeAll
    static void servicesAreThere() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
    }

    @BeforeEach
    void listenAndPublish() {
        RealSettings fromEnvironment = RealSettings.fromEnvironment();
        settings = fromEnvironment.withExpiry(SHORT).withMySql(fromEnvironment.mySql().withPoolSize(3))
                .withOptions(EventsourceOptions.defaults().withFailurePolicy(FailurePolicy.seed().withMaxAttempts(1)))
                .withNamespace(RealStack.freshNamespace(fromEnvironment.namespace(), "replay"));
        handled.put(PROJECTIONS, new CopyOnWriteArrayList<>());
        handled.put(SEARCH, new CopyOnWriteArrayList<>());
        listener = open();
        Listener ads = listener.eventsource().listener(ADS);
        projections = ads.listen(PROJECTIONS.type(), PROJECTIONS.projection()).onAny(event -> {
            if (poisonFails.get() && event.name().equals(EventName.of("Poison"))) {
                throw new IllegalStateException("cannot project " + event);
            }
            handled.get(PROJECTIONS).add(new Handled(event.aggregate(), event.sequence()));
        });
        ads.listen(SEARCH.type(), SEARCH.projection())
                .onAny(event -> handled.get(SEARCH).add(new Handled(event.aggregate(), event.sequence())));
        ads.start();
        RealStack producer = open();
        assertThat(producer.awaitUntil(() -> producer.registry().liveServices(Demo.PRODUCT, Instant.now())
                .contains(ADS), Duration.ofSeconds(30))).as("ads is live").isTrue();
        long publishing = System.nanoTime();
        int id = 0;
        for (int round = 0; round < EVENTS_PER_PRODUCT; round++) {
            for (int product = 0; product < PRODUCTS; product++) {
                String name = id % 9 == 4 ? "Poison" : "Changed";
                producer.eventsource().publisher().publish(AggregateRef.of(Demo.PRODUCT.value(), "p-" + product),
                        ExpectedVersion.ANY, List.of(new NewEvent(EventId.of("replay-it-" + id++), EventName.of(name),
                                Payload.text(name), Map.of(), Instant.now())));
            }
        }
        int events = PRODUCTS * EVENTS_PER_PRODUCT;
        assertThat(listener.awaitUntil(() -> handled.get(PROJECTIONS).size() >= events
                && handled.get(SEARCH).size() >= events, DEADLINE)).as("every event handled once first").isTrue();
        System.out.printf("%d events published and handled in %.1f s%n", events,
                (System.nanoTime() - publishing) / 1e9);
        log = readLog();
        assertThat(log).hasSize(events);
        handled.values().forEach(List::clear);
    }

    @AfterEach
    void closeAndDrop() {
        Collections.reverse(stacks);
        stacks.forEach(RealStack::close);
        if (settings != null) {
            NamespaceCleanup.drop(settings, List.of(PROJECTIONS, SEARCH));
        }
    }

    @Test
    void replaysAPositionRangeOnceMoreInOrderPerProductToItsBindingOnly() throws Exception {
        List<LoggedEvent> selected = log.subList(30, 150);

        ReplayRun run = projections.replay(ReplayRequest.all().positions(selected.get(0).position(),
                selected.get(selected.size() - 1).position()).throttle(400));

        assertThat(run.progress().selected()).isEqualTo(selected.size());
        ReplayProgress done = run.done().toCompletableFuture().get(1, TimeUnit.MINUTES);
        assertThat(done.finished()).isTrue();
        assertThat(done.sent()).isEqualTo(selected.size());
        assertHandledOnceInOrder(selected);
        assertThat(handled.get(SEARCH)).as("the service's other binding").isEmpty();
    }

    @Test
    void replaysATimeRange() throws Exception {
        Instant from = log.get(40).event().occurredAt();
        Instant before = log.get(200).event().occurredAt();
        List<LoggedEvent> selected = log.stream().filter(e -> !e.event().occurredAt().isBefore(from)
                && e.event().occurredAt().isBefore(before)).toList();
        assertThat(selected).hasSizeGreaterThan(100);

        ReplayRun run = projections.replay(ReplayRequest.all().occurredBetween(from, before).throttle(400));

        assertThat(run.progress().selected()).isEqualTo(selected.size());
        run.done().toCompletableFuture().get(1, TimeUnit.MINUTES);
        assertHandledOnceInOrder(selected);
        assertThat(handled.get(SEARCH)).isEmpty();
    }

    @Test
    void replaysTheFailuresOnly() throws Exception {
        poisonFails.set(true);
        ReplayRun reset = projections.reset(0);
        reset.done().toCompletableFuture().get(1, TimeUnit.MINUTES);
        List<LoggedEvent> poisons = log.stream().filter(e -> e.event().name().equals(EventName.of("Poison"))).toList();
        assertThat(listener.awaitUntil(() -> poisons.stream().allMatch(p -> status(p) == AckStatus.FAIL)
                && handled.get(PROJECTIONS).size() == log.size() - poisons.size(), DEADLINE))
                .as("the rebuild handled everything, failing the poisons").isTrue();
        handled.values().forEach(List::clear);
        poisonFails.set(false);

        ReplayRun run = projections.replay(ReplayRequest.all().failedOnly().throttle(400));

        assertThat(run.progress().selected()).isEqualTo(poisons.size());
        run.done().toCompletableFuture().get(1, TimeUnit.MINUTES);
        assertHandledOnceInOrder(poisons);
        assertThat(poisons).allSatisfy(p -> assertThat(status(p)).isEqualTo(AckStatus.OK));
        assertThat(handled.get(SEARCH)).isEmpty();
    }

    @Test
    void aReplayWhoseProcessIsKilledGoesOnFromItsProgressLosingNoEvent() throws Exception {
        String id = "killed-" + Long.toHexString(System.nanoTime());
        AtomicLong sentByChild = new AtomicLong();
        long started = System.nanoTime();
        Process child = startReplayer(id, sentByChild);
        try {
            assertThat(listener.awaitUntil(() -> sentByChild.get() >= 60, DEADLINE)).as("the child replays").isTrue();
            System.out.printf("the replaying JVM sent 60 events %.1f s after it was started%n",
                    (System.nanoTime() - started) / 1e9);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        ReplayProgress stored = listener.checkpoints().loadReplay(ReplayId.of(id)).orElseThrow();
        assertThat(stored.finished()).as("killed mid-way (sent %s)", stored.sent()).isFalse();
        assertThat(stored.sent()).isGreaterThanOrEqualTo(50);

        // resumed here, once the dead process's lease lapsed
        ReplayRun resumed = listener.replays(Duration.ofSeconds(3)).replay(PROJECTIONS,
                ReplayRequest.all().id(id).throttle(200));
        ReplayProgress done = resumed.done().toCompletableFuture().get(1, TimeUnit.MINUTES);

        assertThat(done.finished()).isTrue();
        assertThat(done.sent()).isEqualTo(log.size());
        assertThat(listener.awaitUntil(() -> handled.get(PROJECTIONS).stream().distinct().count() == log.size(),
                DEADLINE)).as("no selected event lost: all %s handled", log.size()).isTrue();
        List<Handled> seen = List.copyOf(handled.get(PROJECTIONS));
        int twice = seen.size() - log.size();
        System.out.printf("replay killed after %d sent of %d; resumed; %d handled twice%n", stored.sent(), log.size(),
                twice);
        // the child's throttle, 50 events/s, sends 5 events a step: the one step in progress at the kill
        assertThat(twice).as("handled twice: at most the step in progress at the kill").isBetween(0, 5);
        Map<AggregateRef, List<Long>> perProduct = perProduct(seen);
        perProduct.forEach((product, sequences) -> assertThat(restarts(sequences))
                .as("%s in order, but for the one restart at the kill: %s", product, sequences).isLessThanOrEqualTo(1));
        assertThat(handled.get(SEARCH)).isEmpty();
    }

    private RealStack open() {
        RealStack stack = RealStack.open(settings);
        stacks.add(stack);
        return stack;
    }

    private List<LoggedEvent> readLog() {
        List<LoggedEvent> events = new ArrayList<>();
        LogQuery query = LogQuery.all().ofType(Demo.PRODUCT);
        while (true) {
            LogPage page = listener.eventLog().read(query);
            events.addAll(page.events());
            if (!page.hasMore() || page.events().isEmpty()) {
                return events;
            }
            query = query.after(page.lastPosition());
        }
    }

    private AckStatus status(LoggedEvent event) {
        AckKey key = AckKey.of(event.event().id(), PROJECTIONS);
        Ack ack = listener.ackStore().find(List.of(key)).get(key);
        return ack == null ? null : ack.status();
    }

    /** The selected events, each handled exactly once by projections after the replay started, in order per product. */
    private void assertHandledOnceInOrder(List<LoggedEvent> selected) {
        List<Handled> expected = selected.stream().map(e -> new Handled(e.event().aggregate(), e.event().sequence()))
                .toList();
        // every ack recorded anew: whatever copy comes after that is skipped by the dedupe
        assertThat(listener.awaitUntil(() -> handled.get(PROJECTIONS).size() >= expected.size()
                        && selected.stream().allMatch(e -> status(e) == AckStatus.OK), DEADLINE))
                .as("all %s replays handled and acked", expected.size()).isTrue();
        assertThat(handled.get(PROJECTIONS)).containsExactlyInAnyOrderElementsOf(expected);
        perProduct(handled.get(PROJECTIONS)).forEach((product, sequences) -> assertThat(sequences)
                .as("%s in sequence order", product).isSorted());
    }

    private static Map<AggregateRef, List<Long>> perProduct(List<Handled> seen) {
        Map<AggregateRef, List<Long>> perProduct = new LinkedHashMap<>();
        for (Handled one : seen) {
            perProduct.computeIfAbsent(one.aggregate(), a -> new ArrayList<>()).add(one.sequence());
        }
        return perProduct;
    }

    /** How often the sequence goes back: 0 when in order. */
    private static int restarts(List<Long> sequences) {
        int restarts = 0;
        for (int i = 1; i < sequences.size(); i++) {
            if (sequences.get(i) <= sequences.get(i - 1)) {
                restarts++;
            }
        }
        return restarts;
    }

    /** Runs {@link Replayer} in a JVM of its own in this test's namespace, counting what it says it sent. */
    private Process startReplayer(String id, AtomicLong sent) throws IOException {
        Path classpathFile = Path.of("target", "classpath");
        String classpath = Files.exists(classpathFile)
                ? Path.of("target", "classes") + java.io.File.pathSeparator + Files.readString(classpathFile).trim()
                : System.getProperty("jdk.module.path", "") + java.io.File.pathSeparator
                + System.getProperty("java.class.path", "");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, Replayer.class.getName(), ADS.value(), Demo.PRODUCT.value(),
                PROJECTIONS.projection().value(), id, "50", "3000").redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("EVENTSOURCE_NAMESPACE", settings.namespace().prefix());
        environment.put(RealSettings.IDLE_VARIABLE, SHORT.consumerIdleTimeout().toMillis() + "ms");
        environment.put(RealSettings.EXPIRY_VARIABLE, SHORT.queueExpiry().toMillis() + "ms");
        environment.put(RealSettings.HEARTBEAT_VARIABLE, SHORT.heartbeatInterval().toMillis() + "ms");
        environment.put(RealSettings.LIVENESS_VARIABLE, SHORT.livenessTtl().toMillis() + "ms");
        Process process = builder.start();
        Pattern progress = Pattern.compile("^replay " + Pattern.quote(id) + " sent (\\d+) of (\\d+)");
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    Matcher matcher = progress.matcher(line);
                    if (matcher.find()) {
                        sent.set(Long.parseLong(matcher.group(1)));
                    } else if (!line.isBlank()) {
                        System.out.println("[replayer] " + line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                System.out.println("[replayer] output ended: " + e);
            }
        }, "replayer-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private record Handled(AggregateRef aggregate, long sequence) {
    }
}
