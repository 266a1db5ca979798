package io.eventsource.examples;

import com.rabbitmq.client.AMQP;
import io.eventsource.core.EventLogUnavailableException;
import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix of issue 9 on the real services: each test injects one fault into the running system
 * ({@link FaultStack}: three services, one of them with two instances, and a producer, each a runtime of its own,
 * reaching RabbitMQ, Redis and the database through fault proxies) while the producer keeps publishing, and
 * requires, per binding, from the handlers and from the ack table against the event log: nothing lost, nothing out
 * of order, nothing handled twice, nothing handled that the log does not hold, no publish that failed, and every event
 * handled by every live binding within 10 s of the fault's end. The system is set up once for all faults; each fault
 * publishes to products of its own, and starts only once the system handles its first events (so that a fault is
 * never blamed for what an earlier one left broken).
 *
 * <p>An instance killed with {@code kill -9} is {@link RealServicesIT}'s
 * {@code anInstanceKilledMidwayLosesNothingItsProductsGoToTheOtherInstanceInOrder}, not repeated here.
 *
 * <p>Each fault prints one summary line, also appended to {@code target/fault-figures.txt}; its log lines are in
 * the test's output between {@code === fault ... begins} and {@code === fault ... checked}. A failure says which
 * binding lost, duplicated, disordered or delayed which event. Set {@code -Dfaults.lateWait=PT60S} to wait longer
 * past the 10 s bound before an event that is late counts as lost (default 20 s).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {
    /** Every event handled by every live binding within this long after a fault ends. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    /** How much longer to wait for a late event, to report it as late rather than lost. */
    private static final Duration LATE_WAIT = Duration.parse(System.getProperty("faults.lateWait", "PT20S"));
    /** The producer goes on publishing this long after the fault's end. */
    private static final Duration AFTER_FAULT = Duration.ofSeconds(1);
    /** How often a message the log refuses may be delivered before the consumer must have stopped taking it back. */
    private static final int MAX_DELIVERIES = 10;
    /** Longer than the broker clients' request and confirm timeouts (10 s), shorter than their heartbeat's. */
    private static final Duration BLACKHOLE = Duration.parse(System.getProperty("faults.blackhole", "PT15S"));

    private static FaultStack stack;

    @BeforeAll
    static void startTheSystem() {
        stack = FaultStack.open();
    }

    @AfterAll
    static void stopTheSystem() {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void healWhateverTheFaultLeft() {
        stack.restoreAll();
        if (!stack.running("api-legacy")) {
            stack.start("api-legacy");
        }
    }

    @Test
    @Order(1)
    void amqpConnectionsCutRepeatedlyLoseNothingAndRecoverWithinTenSeconds() throws Exception {
        FaultVerdict verdict = underTraffic("cuts", "AMQP connections of every runtime cut 3 times, 3 s apart", () -> {
            // five runtimes with a connection each at least; later cuts cut what has reconnected by then
            assertThat(stack.broker().cutConnections()).as("AMQP connections cut the first time")
                    .isGreaterThanOrEqualTo(5);
            for (int i = 1; i < 3; i++) {
                pause(Duration.ofSeconds(3));
                stack.broker().cutConnections();
            }
            return Instant.now();
        });
        assertNoProblem(verdict);
    }

    @Test
    @Order(2)
    void brokerUnreachableForTenSecondsWhileProducingLosesNothingAndRecoversWithinTenSeconds() throws Exception {
        FaultVerdict verdict = underTraffic("broker", "RabbitMQ unreachable 10 s (connections refused)", () -> {
            stack.broker().refuse();
            pause(Duration.ofSeconds(10));
            stack.broker().restore();
            return Instant.now();
        });
        assertNoProblem(verdict);
    }

    /**
     * A network partition between every runtime and the broker: the connections stay open, no byte goes through, so
     * that only the clients' own timeouts notice (declarations, confirms), and then every held byte arrives at once,
     * the late replies to requests that timed out among them.
     */
    @Test
    @Order(2)
    void brokerPartitionedAwayForFifteenSecondsLosesNothingAndRecoversWithinTenSeconds() throws Exception {
        String fault = "RabbitMQ blackholed " + BLACKHOLE.toSeconds() + " s (connections held, no bytes)";
        FaultVerdict verdict = underTraffic("partition", fault, () -> {
            stack.broker().blackhole();
            pause(BLACKHOLE);
            stack.broker().restore();
            return Instant.now();
        });
        assertNoProblem(verdict);
    }

    @Test
    @Order(3)
    void registryKeysDeletedMidRunLoseNothingAndRecoverWithinTenSeconds() throws Exception {
        FaultVerdict verdict = underTraffic("wipe", "the namespace's Redis keys deleted 3 times, 1 s apart", () -> {
            Set<String> deleted = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                if (i > 0) {
                    pause(Duration.ofSeconds(1));
                }
                deleted.addAll(stack.deleteRegistryKeys());
            }
            assertThat(deleted).as("Redis keys deleted").contains(stack.named("eventsourceServices"),
                    stack.named(Demo.PRODUCT.value() + "ServicesHealthChecks"));
            return Instant.now();
        });
        assertNoProblem(verdict);
    }

    @Test
    @Order(4)
    void redisUnreachableForSixSecondsWhileProducingLosesNothingAndRecoversWithinTenSeconds() throws Exception {
        FaultVerdict verdict = underTraffic("redis", "Redis unreachable 6 s (connections refused)", () -> {
            stack.redis().refuse();
            pause(Duration.ofSeconds(6));
            stack.redis().restore();
            return Instant.now();
        });
        assertNoProblem(verdict);
    }

    /**
     * The producer outlives the outage: a publish either ends sent or pending, or, once the log could not be written
     * within the publish deadline (10 s by default), fails with {@link EventLogUnavailableException} having written
     * nothing; and publishes made after the outage are sent.
     */
    @Test
    @Order(5)
    void databaseUnreachableForTenSecondsLeavesTheProducerPublishingAndLosesNothing() throws Exception {
        FaultVerdict verdict = underTraffic("database", "MariaDB unreachable 10 s (connections refused)", () -> {
            stack.database().refuse();
            pause(Duration.ofSeconds(10));
            stack.database().restore();
            return Instant.now();
        }, outcome -> outcome.result().startsWith(EventLogUnavailableException.class.getName() + ":"));
        assertNoProblem(verdict);
    }

    @Test
    @Order(6)
    void aServiceDownLongerThanTheQueueExpiryHandlesEverythingWithinTenSecondsOfItsReturn() throws Exception {
        // longer than the queue expiry (3 s) and the liveness (5 s): queues of api-legacy expire with their messages,
        // and producers stop routing to it
        Duration down = FaultStack.EXPIRY.queueExpiry().plus(Duration.ofSeconds(3));
        FaultVerdict verdict = underTraffic("down", "api-legacy down " + down.toSeconds() + " s, then back", () -> {
            stack.stop("api-legacy");
            pause(down);
            stack.start("api-legacy");
            return Instant.now();
        });
        assertNoProblem(verdict);
    }

    /**
     * A forged message (well-formed, an event id the log does not hold, sequence 1) into the queue of {@code ads} of
     * a product with three events, and a far-ahead one (sequence 9999) into another's, published raw to the queues
     * (through the default exchange); then each product's fourth event. The forged messages reach no handler and no
     * ack; the real events are all handled; and each forged message is delivered a bounded number of times, after
     * which the consumer goes idle and the queue expires.
     */
    @Test
    @Order(7)
    void forgedAndFarAheadMessagesReachNoHandlerNorAckAndAreNotLoopedOn() throws Exception {
        String prefix = "bad-";
        AggregateRef forgedProduct = AggregateRef.of(Demo.PRODUCT.value(), prefix + "forged");
        AggregateRef aheadProduct = AggregateRef.of(Demo.PRODUCT.value(), prefix + "ahead");
        String forgedQueue = stack.named(forgedProduct + "-" + FaultStack.TWO_INSTANCES);
        String aheadQueue = stack.named(aheadProduct + "-" + FaultStack.TWO_INSTANCES);
        String forgedId = "forged-" + java.util.UUID.randomUUID();
        String aheadId = "ahead-" + java.util.UUID.randomUUID();
        Publisher publisher = stack.publisher();
        List<Traffic.Outcome> outcomes = new ArrayList<>();
        announce("bad input", "begins");
        try {
            for (AggregateRef product : List.of(forgedProduct, aheadProduct)) {
                publish(publisher, product, 1, 3, outcomes);
            }
            assertThat(stack.awaitUntil(() -> allHandled(prefix, stack.log(prefix)), BOUND))
                    .as("the first three events of %s and %s handled by every binding", forgedProduct, aheadProduct)
                    .isTrue();

            List<String> returned = new CopyOnWriteArrayList<>();
            stack.onBroker(channel -> {
                channel.confirmSelect();
                channel.addReturnListener(message -> returned.add(message.getRoutingKey()));
                channel.basicPublish("", forgedQueue, true, envelope(forgedId, forgedProduct, 1),
                        "{\"price\":0}".getBytes(StandardCharsets.UTF_8));
                channel.basicPublish("", aheadQueue, true, envelope(aheadId, aheadProduct, 9999),
                        "{\"price\":0}".getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(5_000);
            });
            assertThat(returned).as("forged messages the broker could not route (their queues must exist)").isEmpty();
            Instant injected = Instant.now();
            for (AggregateRef product : List.of(forgedProduct, aheadProduct)) {
                publish(publisher, product, 4, 4, outcomes);
            }

            List<FaultStack.Logged> logged = stack.log(prefix);
            awaitHandled(prefix, logged, injected);
            // idle consumers end after 1 s, unused queues expire 3 s later: a consumer that keeps taking a message back
            // keeps its queue forever
            Duration expiry = FaultStack.EXPIRY.consumerIdleTimeout().plus(FaultStack.EXPIRY.queueExpiry());
            List<String> left = new ArrayList<>();
            boolean expired = stack.awaitUntil(() -> {
                try {
                    left.clear();
                    left.addAll(stack.queues(name -> name.equals(forgedQueue) || name.equals(aheadQueue)));
                    return left.isEmpty();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }, expiry.plus(BOUND));
            int forgedDeliveries = stack.deliveries().of(forgedQueue);
            int aheadDeliveries = stack.deliveries().of(aheadQueue);

            FaultVerdict verdict = FaultVerdict.of(String.format(Locale.ROOT, "bad input: a forged message (delivered"
                            + " %d times) and a far-ahead one (delivered %d times)", forgedDeliveries, aheadDeliveries),
                    injected, BOUND, FaultStack.bindings(), logged, stack.handlings().of(a -> a.id().value()
                            .startsWith(prefix)), stack.acks(prefix), outcomes, overlaps(prefix), outcome -> false);
            List<String> misuse = new ArrayList<>();
            for (Map.Entry<String, Integer> delivered : Map.of("the forged message", forgedDeliveries,
                    "the far-ahead message", aheadDeliveries).entrySet()) {
                if (delivered.getValue() == 0) {
                    misuse.add(delivered.getKey() + " was never delivered: the test did not reach the consumer");
                } else if (delivered.getValue() > MAX_DELIVERIES) {
                    misuse.add(delivered.getKey() + " was delivered " + delivered.getValue() + " times (at most "
                            + MAX_DELIVERIES + " allowed): it is requeued in a loop");
                }
            }
            if (!expired) {
                misuse.add("the queues " + left + " (name, ready, unacked, consumers) still exist " + expiry.plus(BOUND)
                        .toSeconds() + " s after the real events, though nothing but the forged messages went there");
            }
            verdict.add("bad input mishandled", misuse);
            record(verdict);
            assertNoProblem(verdict);
        } finally {
            // ends any consumer that loops on them, so that the loop does not outlive the test
            stack.onBroker(channel -> {
                channel.queueDelete(forgedQueue);
                channel.queueDelete(aheadQueue);
            });
            announce("bad input", "checked");
        }
    }

    /** Injects a fault; returns when its effect ends (the connections allowed again, the service back). */
    private interface Fault {
        Instant inject() throws Exception;
    }

    /**
     * Runs the fault while the producer publishes to products labelled {@code label}, then judges what became of
     * every event the log holds for them.
     */
    private FaultVerdict underTraffic(String label, String fault, Fault injection) throws Exception {
        return underTraffic(label, fault, injection, outcome -> false);
    }

    /** As {@link #underTraffic(String, String, Fault)}, accepting the publish failures that {@code refusal} names. */
    private FaultVerdict underTraffic(String label, String fault, Fault injection,
                                      java.util.function.Predicate<Traffic.Outcome> refusal) throws Exception {
        Traffic traffic = new Traffic(stack.publisher(), label, 8, Duration.ofSeconds(1), Duration.ofMillis(25));
        String prefix = traffic.productPrefix();
        traffic.start();
        boolean healthy;
        try {
            healthy = stack.awaitUntil(() -> firstHandled(traffic, prefix, 20), BOUND);
        } catch (RuntimeException e) {
            traffic.stop();
            throw e;
        }
        if (!healthy) {
            traffic.stop();
            throw new AssertionError("before the fault \"" + fault + "\": the first 20 events of " + prefix + "*"
                    + " were not handled by every binding within " + BOUND.toSeconds() + " s; publishes: "
                    + traffic.outcomes().stream().limit(20).map(Traffic.Outcome::result).toList()
                    + "; the system was broken before the fault began (by an earlier fault?)");
        }
        announce(fault, "begins");
        Instant faultEnd;
        try {
            faultEnd = injection.inject();
            announce(fault, "ends");
            pause(AFTER_FAULT);
        } finally {
            traffic.stop();
        }
        List<Traffic.Outcome> outcomes = traffic.outcomes();
        List<FaultStack.Logged> logged = stack.log(prefix);
        awaitHandled(prefix, logged, faultEnd);
        FaultVerdict verdict = FaultVerdict.of(fault, faultEnd, BOUND, FaultStack.bindings(), logged,
                stack.handlings().of(aggregate -> aggregate.id().value().startsWith(prefix)), stack.acks(prefix),
                outcomes, overlaps(prefix), refusal);
        record(verdict);
        announce(fault, "checked");
        return verdict;
    }

    /** Waits until every logged event is handled and acked by every binding: within the bound, else the late wait. */
    private static void awaitHandled(String prefix, List<FaultStack.Logged> logged, Instant faultEnd) {
        Duration toBound = Duration.between(Instant.now(), faultEnd.plus(BOUND));
        if (!stack.awaitUntil(() -> allHandled(prefix, logged), toBound.isNegative() ? Duration.ZERO : toBound)) {
            stack.awaitUntil(() -> allHandled(prefix, logged), LATE_WAIT);
        }
    }

    /** Whether every binding handled (per its handler) and acked ok (per the ack table) every one of these events. */
    private static boolean allHandled(String prefix, List<FaultStack.Logged> logged) {
        Map<String, Set<String>> handled = new HashMap<>();
        for (Handlings.Handling handling : stack.handlings().of(a -> a.id().value().startsWith(prefix))) {
            handled.computeIfAbsent(handling.service(), s -> new HashSet<>()).add(handling.eventId());
        }
        Map<String, Long> acked = stack.okAcks(prefix);
        for (String binding : FaultStack.bindings()) {
            Set<String> mine = handled.getOrDefault(binding.substring(0, binding.indexOf('/')), Set.of());
            for (FaultStack.Logged event : logged) {
                if (!mine.contains(event.eventId())) {
                    return false;
                }
            }
            if (acked.getOrDefault(binding, 0L) < logged.size()) {
                return false;
            }
        }
        return true;
    }

    /** Whether every binding handled the first {@code count} events the traffic published. */
    private static boolean firstHandled(Traffic traffic, String prefix, int count) {
        List<Traffic.Outcome> outcomes = traffic.outcomes();
        if (outcomes.size() < count) {
            return false;
        }
        Map<String, Set<String>> handled = new HashMap<>();
        for (Handlings.Handling handling : stack.handlings().of(a -> a.id().value().startsWith(prefix))) {
            handled.computeIfAbsent(handling.service(), s -> new HashSet<>()).add(handling.eventId());
        }
        for (String service : FaultStack.SERVICES) {
            for (Traffic.Outcome outcome : outcomes.subList(0, count)) {
                if (!handled.getOrDefault(service, Set.of()).contains(outcome.eventId())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> overlaps(String prefix) {
        return stack.handlings().overlaps().stream().filter(line -> line.contains(Demo.PRODUCT.value() + "-" + prefix))
                .toList();
    }

    private static void publish(Publisher publisher, AggregateRef product, int first, int last,
                                List<Traffic.Outcome> outcomes) {
        List<NewEvent> events = new ArrayList<>();
        for (int k = first; k <= last; k++) {
            events.add(new NewEvent(EventId.of(product.id().value() + "-e" + k), EventName.of("PriceChanged"),
                    Payload.json("{\"price\":" + k + "}"), Map.of(), Instant.now()));
        }
        Instant started = Instant.now();
        String result = publisher.publish(product, ExpectedVersion.ANY, events).isSent() ? "sent" : "pending";
        for (NewEvent event : events) {
            outcomes.add(new Traffic.Outcome(event.id().value(), product, started, Instant.now(), result, false));
        }
    }

    /** A well-formed envelope (version 1, as the RabbitMQ adapter writes it) of an event the log does not hold. */
    private static AMQP.BasicProperties envelope(String eventId, AggregateRef aggregate, long sequence) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("es-envelope-version", 1);
        headers.put("es-event-id", eventId);
        headers.put("es-aggregate-type", aggregate.type().value());
        headers.put("es-aggregate-id", aggregate.id().value());
        headers.put("es-sequence", sequence);
        headers.put("es-event-name", "PriceChanged");
        headers.put("es-occurred-at", Instant.now().toString());
        return new AMQP.BasicProperties.Builder().contentType(Payload.JSON).deliveryMode(2).messageId(eventId)
                .headers(headers).build();
    }

    private static void assertNoProblem(FaultVerdict verdict) {
        assertThat(verdict.failed()).withFailMessage(verdict::report).isFalse();
    }

    private static void record(FaultVerdict verdict) throws IOException {
        System.out.println(verdict.report());
        Path figures = Path.of("target", "fault-figures.txt");
        Files.writeString(figures, Instant.now() + " " + verdict.summary() + System.lineSeparator(),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void announce(String fault, String what) {
        String line = "=== fault " + fault + " " + what + " at " + Instant.now();
        System.out.println(line);
    }

    /** The fault's own duration (an outage lasts this long), not a wait for anything to happen. */
    private static void pause(Duration duration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    }
}
