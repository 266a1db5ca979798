package io.eventsource.tck;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExchangeName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Payload;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.ports.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract of {@link MessageBus}: the broker semantics of the seed's flow (DESIGN.md section 10), for
 * every adapter. An adapter's test extends it and says how to connect, how to look at the broker and how
 * time passes: a simulated broker on a virtual clock moves the clock (and may ask for exactness with a
 * {@link #margin() margin} of a millisecond); a real broker lets real time pass, with short expiries in its
 * {@link #expiryPolicy()} (e.g. 1 s idle, 2 s expiry) and a margin that absorbs its timers' lag.
 *
 * <p>Each test uses fresh aggregate ids under {@link #namespace()}, so a shared broker works; the
 * connections a test opens are closed after it.
 *
 * <p>The partitioned cases use the type {@code Order} with {@value #PARTITIONS} partitions and the
 * {@link #partitionExpiry()}, told to every connection they open ({@link MessageBus#useTopology}).
 */
public abstract class MessageBusContract {
    private static final AggregateType TYPE = AggregateType.of("Product");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final ServiceName SEARCH = ServiceName.of("search");
    private static final AggregateType ORDER = AggregateType.of("Order");
    private static final int PARTITIONS = 4;

    private final List<MessageBus> connections = new CopyOnWriteArrayList<>();

    // ---- what an adapter supplies ----

    /** The durations the bus under test enforces (the same instance it was built with). */
    protected abstract ExpiryPolicy expiryPolicy();

    /** The namespace of the buses {@link #connect()} returns; one per test instance, so tests never collide. */
    protected abstract Namespace namespace();

    /** A new connection to the broker under {@link #namespace()}, as one more service instance would open. */
    protected abstract MessageBus connect();

    /**
     * Whether the broker has the queue now. Looking must not count as using the queue: on RabbitMQ a passive
     * {@code queue.declare} does (the queue's {@code stat} call restarts its {@code x-expires} timer), so ask
     * the management HTTP API ({@code GET /api/queues/{vhost}/{name}}) instead.
     */
    protected abstract boolean queueExists(QueueName name);

    /** Whether the broker has the exchange now. */
    protected abstract boolean exchangeExists(ExchangeName name);

    /**
     * Kills the connection abruptly, as the death of its service instance would, so that the broker
     * returns its unsettled messages and hands its queues to other consumers.
     */
    protected abstract void crash(MessageBus connection);

    /**
     * How far before a deadline the contract checks that something has not happened yet, and how long after
     * it the contract waits for it to happen: a millisecond for a virtual clock, some hundreds of milliseconds
     * for a real broker.
     */
    protected abstract Duration margin();

    /** The bus's clock. Real time unless overridden. */
    protected Instant now() {
        return Instant.now();
    }

    /**
     * Lets {@code duration} pass on the bus's clock, running whatever falls due (zero: just what is due now).
     * Waits real time unless overridden; a virtual clock is advanced instead.
     */
    protected void elapse(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** The queue expiry of the partitioned cases' topology: the least a topology allows, unless overridden. */
    protected Duration partitionExpiry() {
        return Duration.ofMinutes(1);
    }

    /**
     * Whether the contract may wait out the {@link #partitionExpiry()}: yes on a virtual clock; a real broker's test
     * would wait a minute at least, and checks the expiry the queues were declared with ({@link #declaredExpiry})
     * instead.
     */
    protected boolean awaitsPartitionExpiry() {
        return false;
    }

    /**
     * How long the broker keeps the queue once unused, as it was declared (RabbitMQ's {@code x-expires}), read
     * without using the queue; empty if the adapter's test cannot tell.
     */
    protected Optional<Duration> declaredExpiry(QueueName name) {
        return Optional.empty();
    }

    /** How long {@link #eventually} waits for deliveries and other prompt effects. */
    protected Duration promptly() {
        return Duration.ofSeconds(5);
    }

    // ---- helpers ----

    /** A new connection, closed after the test. */
    protected final MessageBus connection() {
        MessageBus bus = connect();
        connections.add(bus);
        return bus;
    }

    @AfterEach
    final void closeConnections() {
        for (MessageBus bus : connections) {
            bus.close();
        }
    }

    private Topology topology() {
        return Topology.of(namespace());
    }

    private static AggregateRef freshAggregate() {
        return new AggregateRef(TYPE, AggregateId.of(UUID.randomUUID().toString()));
    }

    private static List<Event> events(AggregateRef aggregate, long from, long to) {
        List<Event> events = new ArrayList<>();
        for (long sequence = from; sequence <= to; sequence++) {
            events.add(new Event(EventId.random(), aggregate, sequence, EventName.of("ProductRenamed"),
                    Payload.json("{\"n\":" + sequence + "}"), Map.of(), Instant.parse("2030-01-01T00:00:00Z")));
        }
        return events;
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** Retries the assertion, letting time pass in small steps, until it holds or {@code within} has passed. */
    protected final void eventually(Duration within, Runnable assertion) {
        elapse(Duration.ZERO);
        Duration step = margin().dividedBy(5);
        if (step.isZero()) {
            step = Duration.ofNanos(1000);
        }
        Instant deadline = now().plus(within);
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError notYet) {
                if (!now().isBefore(deadline)) {
                    throw notYet;
                }
                elapse(step);
            }
        }
    }

    private void eventually(Runnable assertion) {
        eventually(promptly(), assertion);
    }

    /** Lets time pass until {@code offset} after {@code mark} on the bus's clock (at once if already there). */
    private void passUntil(Instant mark, Duration offset) {
        Duration left = Duration.between(now(), mark.plus(offset));
        if (!left.isNegative()) {
            elapse(left);
        }
    }

    private Duration idle() {
        return expiryPolicy().consumerIdleTimeout();
    }

    private Duration expiry() {
        return expiryPolicy().queueExpiry();
    }

    private void awaitGone(QueueName queue) {
        eventually(margin().multipliedBy(2), () -> assertThat(queueExists(queue)).as("queue %s deleted", queue).isFalse());
    }

    private void awaitEnded(Recorder recorder, EndReason reason, Duration within) {
        eventually(within, () -> assertThat(recorder.endings()).containsExactly(reason));
    }

    // ---- connection ----

    @Test
    void isConnectedWhileOpenAndNotOnceClosed() {
        MessageBus bus = connection();
        assertThat(bus.isConnected()).isTrue();

        bus.close();

        assertThat(bus.isConnected()).isFalse();
    }

    // ---- announcements ----

    @Test
    void declaresTheAnnouncementTopologyIdempotently() {
        MessageBus bus = connection();
        bus.declareAnnouncements(TYPE, ADS);
        bus.declareAnnouncements(TYPE, ADS);

        assertThat(exchangeExists(topology().announcementExchange(TYPE))).isTrue();
        assertThat(queueExists(topology().announcementQueue(TYPE, ADS))).isTrue();
    }

    @Test
    void announcesAnAggregateOnceToEachServiceWhateverItsInstances() {
        MessageBus adsOne = connection();
        MessageBus adsTwo = connection();
        MessageBus search = connection();
        adsOne.declareAnnouncements(TYPE, ADS);
        search.declareAnnouncements(TYPE, SEARCH);
        List<AggregateRef> adsHeard = new CopyOnWriteArrayList<>();
        List<AggregateRef> searchHeard = new CopyOnWriteArrayList<>();
        adsOne.subscribeAnnouncements(TYPE, ADS, adsHeard::add);
        adsTwo.subscribeAnnouncements(TYPE, ADS, adsHeard::add);
        search.subscribeAnnouncements(TYPE, SEARCH, searchHeard::add);
        AggregateRef aggregate = freshAggregate();

        assertThat(connection().announce(aggregate)).isEqualTo(new PublishResult.Routed());

        eventually(() -> {
            assertThat(adsHeard).containsExactly(aggregate);
            assertThat(searchHeard).containsExactly(aggregate);
        });
    }

    @Test
    void announcingATypeNoServiceDeclaredIsExchangeMissing() {
        AggregateRef aggregate = new AggregateRef(AggregateType.of("Unheard" + UUID.randomUUID().toString().substring(0, 8)),
                AggregateId.of("1"));

        PublishResult result = connection().announce(aggregate);

        assertThat(result).isEqualTo(new PublishResult.ExchangeMissing(
                topology().announcementExchange(aggregate.type()).value()));
    }

    @Test
    void aThrowingAnnouncementListenerKeepsItsSubscriptionAndEachAnnouncementIsSettled() {
        MessageBus bus = connection();
        bus.declareAnnouncements(TYPE, ADS);
        List<AggregateRef> heard = new CopyOnWriteArrayList<>();
        Subscription subscription = bus.subscribeAnnouncements(TYPE, ADS, aggregate -> {
            heard.add(aggregate);
            throw new IllegalStateException("listener failure on purpose");
        });
        AggregateRef first = freshAggregate();
        AggregateRef second = freshAggregate();

        bus.announce(first);
        bus.announce(second);

        eventually(() -> assertThat(heard).containsExactly(first, second));
        elapse(margin());
        assertThat(heard).as("announcements are settled even when the listener throws").hasSize(2);
        assertThat(subscription.isOpen()).isTrue();
    }

    // ---- routes and publishing ----

    /**
     * A batch of three aggregates: two routed and consumed ({@code first} with events 1-2, {@code second} with 1-3),
     * and {@code unrouted} between them (event 1), whose exchange was never declared.
     */
    private record MixedBatch(AggregateRef first, AggregateRef unrouted, AggregateRef second, Recorder firstHeard,
                              Recorder secondHeard, Map<AggregateRef, List<Event>> batch) {
        List<AggregateRef> aggregates() {
            return List.of(first, unrouted, second);
        }
    }

    private static MixedBatch mixedBatch(MessageBus bus) {
        AggregateRef first = freshAggregate();
        AggregateRef unrouted = freshAggregate();
        AggregateRef second = freshAggregate();
        bus.declareRoute(first, Set.of(ADS));
        bus.declareRoute(second, Set.of(ADS));
        Recorder firstHeard = Recorder.acking();
        Recorder secondHeard = Recorder.acking();
        bus.subscribeAggregate(first, ADS, firstHeard);
        bus.subscribeAggregate(second, ADS, secondHeard);
        Map<AggregateRef, List<Event>> batch = new LinkedHashMap<>();
        batch.put(first, events(first, 1, 2));
        batch.put(unrouted, events(unrouted, 1, 1));
        batch.put(second, events(second, 1, 3));
        return new MixedBatch(first, unrouted, second, firstHeard, secondHeard, batch);
    }

    /** Each aggregate's outcome reported, in the batch's order, and the routed ones' events consumed in order. */
    private void assertPublished(MixedBatch mixed, Map<AggregateRef, PublishResult> results) {
        assertThat(results.keySet()).containsExactlyElementsOf(mixed.aggregates());
        assertThat(results.get(mixed.first())).isEqualTo(new PublishResult.Routed());
        assertThat(results.get(mixed.second())).isEqualTo(new PublishResult.Routed());
        assertThat(results.get(mixed.unrouted()).isRouted()).as("no exchange for it: nothing dropped silently").isFalse();
        eventually(() -> assertThat(mixed.firstHeard().sequences()).containsExactly(1L, 2L));
        eventually(() -> assertThat(mixed.secondHeard().sequences()).containsExactly(1L, 2L, 3L));
    }

    @Test
    void publishesABatchOfAggregatesEachInOrderAndReportsEachOutcome() {
        MessageBus bus = connection();
        MixedBatch mixed = mixedBatch(bus);

        assertPublished(mixed, bus.publishAll(mixed.batch()));
    }

    @Test
    void announcesABatchOfAggregatesEachOnce() {
        MessageBus bus = connection();
        bus.declareAnnouncements(TYPE, ADS);
        List<AggregateRef> heard = new CopyOnWriteArrayList<>();
        bus.subscribeAnnouncements(TYPE, ADS, heard::add);
        AggregateRef first = freshAggregate();
        AggregateRef second = freshAggregate();

        Map<AggregateRef, PublishResult> results = bus.announceAll(List.of(first, second));

        assertThat(results).containsEntry(first, new PublishResult.Routed()).containsEntry(second, new PublishResult.Routed());
        eventually(() -> assertThat(heard).containsExactly(first, second));
    }

    @Test
    void publishesABatchAndAnnouncesItsAggregatesAlsoWhenOneOfThemHasNoExchange() {
        MessageBus bus = connection();
        bus.declareAnnouncements(TYPE, ADS);
        List<AggregateRef> heard = new CopyOnWriteArrayList<>();
        bus.subscribeAnnouncements(TYPE, ADS, heard::add);
        MixedBatch mixed = mixedBatch(bus);

        assertPublished(mixed, bus.publishAndAnnounce(mixed.batch(), mixed.aggregates()));
        eventually(() -> assertThat(heard).as("every aggregate announced once, the one without exchange too")
                .containsExactlyInAnyOrderElementsOf(mixed.aggregates()));
    }

    @Test
    void announcesABatchWithoutEventsAndPublishesOneToATypeNobodyAnnouncesFor() {
        MessageBus bus = connection();
        bus.declareAnnouncements(TYPE, ADS);
        List<AggregateRef> heard = new CopyOnWriteArrayList<>();
        bus.subscribeAnnouncements(TYPE, ADS, heard::add);
        AggregateRef announcedOnly = freshAggregate();

        assertThat(bus.publishAndAnnounce(Map.of(), List.of(announcedOnly))).isEmpty();
        eventually(() -> assertThat(heard).containsExactly(announcedOnly));

        AggregateRef unheard = AggregateRef.of("NobodyListens", UUID.randomUUID().toString());
        bus.declareRoute(unheard, Set.of(ADS));
        Recorder consumer = Recorder.acking();
        bus.subscribeAggregate(unheard, ADS, consumer);
        assertThat(bus.publishAndAnnounce(Map.of(unheard, events(unheard, 1, 1)), List.of(unheard)))
                .as("a type whose announcements nobody declared still gets its events published")
                .containsExactly(Map.entry(unheard, new PublishResult.Routed()));
        eventually(() -> assertThat(consumer.sequences()).containsExactly(1L));
    }

    @Test
    void declaringARouteIsIdempotentAndBindsEachQueueOnce() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS, SEARCH));
        bus.declareRoute(aggregate, Set.of(ADS, SEARCH));
        assertThat(exchangeExists(topology().aggregateExchange(aggregate))).isTrue();
        assertThat(queueExists(topology().aggregateQueue(aggregate, ADS))).isTrue();
        assertThat(queueExists(topology().aggregateQueue(aggregate, SEARCH))).isTrue();
        Recorder ads = Recorder.acking();
        bus.subscribeAggregate(aggregate, ADS, ads);

        assertThat(bus.publish(aggregate, events(aggregate, 1, 2))).isEqualTo(new PublishResult.Routed());

        eventually(() -> assertThat(ads.sequences()).containsExactly(1L, 2L));
        elapse(margin());
        assertThat(ads.sequences()).as("one copy per queue").containsExactly(1L, 2L);
    }

    @Test
    void refusesARouteWhoseQueueNameAnotherBindingHoldsAndKeepsTheHoldersRoute() {
        // Product-{id}-api for legacy and Product-{id} for api-legacy both spell Product-{id}-api-legacy
        String id = UUID.randomUUID().toString();
        AggregateRef holderAggregate = new AggregateRef(TYPE, AggregateId.of(id + "-api"));
        ServiceName legacy = ServiceName.of("legacy");
        AggregateRef refusedAggregate = new AggregateRef(TYPE, AggregateId.of(id));
        ServiceName apiLegacy = ServiceName.of("api-legacy");
        QueueName queue = topology().aggregateQueue(holderAggregate, legacy);
        assertThat(topology().aggregateQueue(refusedAggregate, apiLegacy)).isEqualTo(queue);
        MessageBus bus = connection();
        bus.declareRoute(holderAggregate, Set.of(legacy));

        assertThatThrownBy(() -> connection().declareRoute(refusedAggregate, Set.of(apiLegacy)))
                .isInstanceOfSatisfying(RouteCollisionException.class, refused -> {
                    assertThat(refused.isTransient()).isFalse();
                    assertThat(refused.queue()).isEqualTo(queue.value());
                    assertThat(refused.aggregate()).isEqualTo(refusedAggregate);
                    assertThat(refused.service()).isEqualTo(apiLegacy);
                    assertThat(refused.holder()).as("the binding that holds the queue")
                            .hasValueSatisfying(holder -> assertThat(holder).contains(holderAggregate.toString())
                                    .contains("legacy"));
                    assertThat(refused.getMessage()).contains(queue.value(), refusedAggregate + " for service "
                            + apiLegacy, holderAggregate.toString());
                });

        bus.declareRoute(holderAggregate, Set.of(legacy));
        Recorder holder = Recorder.acking();
        bus.subscribeAggregate(holderAggregate, legacy, holder);
        assertThat(bus.publish(holderAggregate, events(holderAggregate, 1, 2))).isEqualTo(new PublishResult.Routed());
        eventually(() -> assertThat(holder.sequences()).containsExactly(1L, 2L));
        assertThat(holder.deliveries()).allSatisfy(delivery ->
                assertThat(delivery.event().aggregate()).isEqualTo(holderAggregate));
        assertThat(connection().publish(refusedAggregate, events(refusedAggregate, 1, 1)))
                .as("the refused route has no exchange to publish to")
                .isEqualTo(new PublishResult.ExchangeMissing(topology().aggregateExchange(refusedAggregate).value()));
    }

    @Test
    void declaresABatchOfRoutesAndReturnsOnlyTheRefusedOneLeavingTheOthersDeclared() {
        String id = UUID.randomUUID().toString();
        AggregateRef holderAggregate = new AggregateRef(TYPE, AggregateId.of(id + "-api"));
        ServiceName legacy = ServiceName.of("legacy");
        AggregateRef refusedAggregate = new AggregateRef(TYPE, AggregateId.of(id));
        ServiceName apiLegacy = ServiceName.of("api-legacy");
        MessageBus bus = connection();
        bus.declareRoute(holderAggregate, Set.of(legacy));
        Map<AggregateRef, Set<ServiceName>> routes = new LinkedHashMap<>();
        List<AggregateRef> declared = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AggregateRef aggregate = freshAggregate();
            declared.add(aggregate);
            routes.put(aggregate, Set.of(ADS, SEARCH));
            if (i == 2) {
                routes.put(refusedAggregate, Set.of(apiLegacy));
            }
        }

        Map<AggregateRef, RouteCollisionException> refused = bus.declareRoutes(routes);

        assertThat(refused).containsOnlyKeys(refusedAggregate);
        assertThat(refused.get(refusedAggregate).service()).isEqualTo(apiLegacy);
        for (AggregateRef aggregate : declared) {
            assertThat(exchangeExists(topology().aggregateExchange(aggregate))).as("exchange of %s", aggregate).isTrue();
            assertThat(queueExists(topology().aggregateQueue(aggregate, ADS))).as("ads queue of %s", aggregate).isTrue();
            assertThat(queueExists(topology().aggregateQueue(aggregate, SEARCH))).as("search queue of %s", aggregate)
                    .isTrue();
        }
        assertThat(bus.declareRoutes(Map.of(declared.get(0), Set.of(ADS, SEARCH)))).as("idempotent").isEmpty();
        Recorder search = Recorder.acking();
        bus.subscribeAggregate(declared.get(4), SEARCH, search);
        assertThat(bus.publish(declared.get(4), events(declared.get(4), 1, 1))).isEqualTo(new PublishResult.Routed());
        eventually(() -> assertThat(search.sequences()).containsExactly(1L));
    }

    @Test
    void publishesEventsToEveryServiceInOrder() {
        MessageBus producer = connection();
        AggregateRef aggregate = freshAggregate();
        producer.declareRoute(aggregate, Set.of(ADS, SEARCH));
        Recorder ads = Recorder.acking();
        Recorder search = Recorder.acking();
        connection().subscribeAggregate(aggregate, ADS, ads);
        connection().subscribeAggregate(aggregate, SEARCH, search);

        assertThat(producer.publish(aggregate, events(aggregate, 1, 3))).isEqualTo(new PublishResult.Routed());
        assertThat(producer.publish(aggregate, events(aggregate, 4, 5))).isEqualTo(new PublishResult.Routed());

        eventually(() -> {
            assertThat(ads.sequences()).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(search.sequences()).containsExactly(1L, 2L, 3L, 4L, 5L);
        });
        assertThat(ads.deliveries()).noneMatch(Delivery::redelivered);
    }

    @Test
    void deliversOnTheBusesOwnThreadsNeverOnThePublishersStack() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS));
        ThreadLocal<Boolean> publishing = ThreadLocal.withInitial(() -> false);
        AtomicBoolean deliveredWhilePublishing = new AtomicBoolean();
        Recorder ads = Recorder.doing(delivery -> {
            deliveredWhilePublishing.compareAndSet(false, publishing.get());
            delivery.ack();
        });
        bus.subscribeAggregate(aggregate, ADS, ads);

        publishing.set(true);
        try {
            bus.publish(aggregate, events(aggregate, 1, 3));
        } finally {
            publishing.set(false);
        }

        eventually(() -> assertThat(ads.sequences()).containsExactly(1L, 2L, 3L));
        assertThat(deliveredWhilePublishing).isFalse();
    }

    @Test
    void publishingToAnAggregateNeverRoutedIsExchangeMissing() {
        AggregateRef aggregate = freshAggregate();

        PublishResult result = connection().publish(aggregate, events(aggregate, 1, 1));

        assertThat(result).isEqualTo(new PublishResult.ExchangeMissing(topology().aggregateExchange(aggregate).value()));
    }

    @Test
    void publishingToARouteWithoutQueuesIsUnroutable() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of());

        PublishResult result = bus.publish(aggregate, events(aggregate, 1, 1));

        assertThat(result).isEqualTo(new PublishResult.Unroutable(topology().aggregateExchange(aggregate).value()));
    }

    @Test
    void publishingAfterTheRouteExpiredIsExchangeMissing() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS));
        passUntil(now(), expiry());
        awaitGone(topology().aggregateQueue(aggregate, ADS));

        PublishResult result = bus.publish(aggregate, events(aggregate, 1, 1));

        assertThat(result).isEqualTo(new PublishResult.ExchangeMissing(topology().aggregateExchange(aggregate).value()));
        assertThat(exchangeExists(topology().aggregateExchange(aggregate))).isFalse();
    }

    // ---- queue expiry and auto-delete ----

    @Test
    void deletesAQueueWithoutConsumerExactlyAtItsExpiryAndItsExchangeWithIt() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        QueueName queue = topology().aggregateQueue(aggregate, ADS);
        Instant declared = now();
        bus.declareRoute(aggregate, Set.of(ADS));

        passUntil(declared, expiry().minus(margin()));
        assertThat(queueExists(queue)).as("queue still there just before its expiry").isTrue();

        awaitGone(queue);
        assertThat(exchangeExists(topology().aggregateExchange(aggregate))).isFalse();
    }

    @Test
    void aRedeclareRestartsTheExpiry() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        QueueName queue = topology().aggregateQueue(aggregate, ADS);
        bus.declareRoute(aggregate, Set.of(ADS));
        elapse(expiry().dividedBy(2));
        Instant redeclared = now();
        bus.declareRoute(aggregate, Set.of(ADS));

        passUntil(redeclared, expiry().minus(margin()));
        assertThat(queueExists(queue)).as("queue kept alive by the redeclare").isTrue();

        awaitGone(queue);
    }

    @Test
    void aRenewalRestartsTheExpiryAndDeclaresNothing() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        QueueName queue = topology().aggregateQueue(aggregate, ADS);
        bus.declareRoute(aggregate, Set.of(ADS));
        elapse(expiry().dividedBy(2));
        Instant renewed = now();

        assertThat(bus.renewRoutes(Map.of(aggregate, Set.of(ADS)))).isEmpty();

        passUntil(renewed, expiry().minus(margin()));
        assertThat(queueExists(queue)).as("queue kept alive by the renewal").isTrue();
        awaitGone(queue);
    }

    @Test
    void aRenewalNamesTheRoutesAQueueOfWhichIsMissingAndCreatesNothing() {
        MessageBus bus = connection();
        AggregateRef declared = freshAggregate();
        AggregateRef halfDeclared = freshAggregate();
        AggregateRef never = freshAggregate();
        bus.declareRoute(declared, Set.of(ADS, SEARCH));
        bus.declareRoute(halfDeclared, Set.of(ADS));
        Map<AggregateRef, Set<ServiceName>> routes = new LinkedHashMap<>();
        routes.put(never, Set.of(ADS));
        routes.put(declared, Set.of(ADS, SEARCH));
        routes.put(halfDeclared, Set.of(ADS, SEARCH));

        assertThat(bus.renewRoutes(routes)).containsExactly(never, halfDeclared);

        assertThat(queueExists(topology().aggregateQueue(never, ADS))).isFalse();
        assertThat(exchangeExists(topology().aggregateExchange(never))).isFalse();
        assertThat(queueExists(topology().aggregateQueue(halfDeclared, SEARCH))).isFalse();
        assertThat(bus.publish(declared, events(declared, 1, 1))).as("the bus goes on after the missing queues")
                .isEqualTo(new PublishResult.Routed());
    }

    @Test
    void aRenewalLeavesAPartitionedTypesAggregatesToADeclaration() {
        MessageBus bus = partitionedConnection();
        AggregateRef order = orderIn(1);
        bus.declareRoute(order, Set.of(ADS));

        assertThat(bus.renewRoutes(Map.of(order, Set.of(ADS)))).containsExactly(order);
    }

    @Test
    void publishingDoesNotKeepAQueueAlive() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        QueueName queue = topology().aggregateQueue(aggregate, ADS);
        Instant declared = now();
        bus.declareRoute(aggregate, Set.of(ADS));
        for (int quarter = 1; quarter <= 3; quarter++) {
            passUntil(declared, expiry().multipliedBy(quarter).dividedBy(4));
            assertThat(bus.publish(aggregate, events(aggregate, quarter, quarter))).isEqualTo(new PublishResult.Routed());
        }

        passUntil(declared, expiry().minus(margin()));
        assertThat(queueExists(queue)).isTrue();
        awaitGone(queue);
    }

    @Test
    void anExpiredQueueDropsItsMessages() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        QueueName queue = topology().aggregateQueue(aggregate, ADS);
        bus.declareRoute(aggregate, Set.of(ADS));
        bus.publish(aggregate, events(aggregate, 1, 2));
        passUntil(now(), expiry());
        awaitGone(queue);

        bus.declareRoute(aggregate, Set.of(ADS));
        Recorder ads = Recorder.acking();
        bus.subscribeAggregate(aggregate, ADS, ads);
        bus.publish(aggregate, events(aggregate, 3, 3));

        eventually(() -> assertThat(ads.sequences()).containsExactly(3L));
    }

    @Test
    void aConsumerKeepsItsQueueAliveAndItsExpiryStartsWhenTheConsumerGoes() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        QueueName queue = topology().aggregateQueue(aggregate, ADS);
        bus.declareRoute(aggregate, Set.of(ADS));
        Recorder ads = Recorder.acking();
        bus.subscribeAggregate(aggregate, ADS, ads);
        Instant start = now();
        long sequence = 0;
        // traffic every half idle timeout keeps the consumer, and so the queue, for longer than the expiry
        while (now().isBefore(start.plus(expiry()).plus(idle()))) {
            sequence++;
            bus.publish(aggregate, events(aggregate, sequence, sequence));
            elapse(idle().dividedBy(2));
        }
        assertThat(queueExists(queue)).as("queue with a consumer outlives its expiry").isTrue();
        assertThat(ads.endings()).isEmpty();

        awaitEnded(ads, EndReason.IDLE, idle().plus(margin().multipliedBy(2)));
        Instant consumerGone = now();
        passUntil(consumerGone, expiry().minus(margin()));
        assertThat(queueExists(queue)).as("expiry counts from when the consumer went").isTrue();
        awaitGone(queue);
    }

    @Test
    void anExchangeGoesWithItsLastQueueOnly() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        ExchangeName exchange = topology().aggregateExchange(aggregate);
        QueueName ads = topology().aggregateQueue(aggregate, ADS);
        QueueName search = topology().aggregateQueue(aggregate, SEARCH);
        Instant adsDeclared = now();
        bus.declareRoute(aggregate, Set.of(ADS));
        elapse(expiry().dividedBy(2));
        Instant searchDeclared = now();
        bus.declareRoute(aggregate, Set.of(SEARCH));

        passUntil(adsDeclared, expiry().minus(margin()));
        assertThat(queueExists(ads)).isTrue();
        awaitGone(ads);
        assertThat(exchangeExists(exchange)).as("exchange stays while a queue is bound").isTrue();
        assertThat(queueExists(search)).isTrue();

        passUntil(searchDeclared, expiry().minus(margin()));
        assertThat(exchangeExists(exchange)).isTrue();
        awaitGone(search);
        assertThat(exchangeExists(exchange)).as("exchange gone with its last queue").isFalse();
    }

    // ---- single active consumer and hand-over ----

    @Test
    void oneConsumerAtATimeIsActiveAndTheNextTakesOverFromTheFirstUnsettledMessage() {
        assertHandOver(false);
    }

    @Test
    void aCrashedInstanceHandsItsQueueToTheNextConsumer() {
        assertHandOver(true);
    }

    /**
     * A round trip on the connection that is about to crash, after its acks: a broker reads a connection's frames in
     * order, so once it has answered, it has read the acks sent before. Without it, a crash right after an ack may
     * close the socket before the broker read the ack (a socket closed with unread data resets, and the peer drops
     * what it had not read), and the acked messages come back, as they would after a real crash at that moment.
     */
    private void acksReachedTheBroker(MessageBus connection, AggregateRef aggregate) {
        if (aggregate.type().equals(ORDER)) {
            connection.declarePartitions(ORDER, ADS);
        } else {
            connection.declareRoute(aggregate, Set.of(ADS));
        }
    }

    private void assertHandOver(boolean crash) {
        MessageBus producer = connection();
        MessageBus first = connection();
        MessageBus second = connection();
        AggregateRef aggregate = freshAggregate();
        producer.declareRoute(aggregate, Set.of(ADS));
        Recorder one = Recorder.manual();
        Recorder two = Recorder.manual();
        Subscription subscriptionOne = first.subscribeAggregate(aggregate, ADS, one);
        Subscription subscriptionTwo = second.subscribeAggregate(aggregate, ADS, two);

        producer.publish(aggregate, events(aggregate, 1, 6));

        eventually(() -> assertThat(one.deliveries().size() + two.deliveries().size()).isPositive());
        boolean oneActive = !one.deliveries().isEmpty();
        Recorder active = oneActive ? one : two;
        Recorder standby = oneActive ? two : one;
        eventually(() -> assertThat(active.sequences()).startsWith(1L));
        active.deliveries().get(0).ack();
        eventually(() -> assertThat(active.sequences()).startsWith(1L, 2L));
        active.deliveries().get(1).ack();
        assertThat(standby.deliveries()).as("the standby receives nothing while the active consumer lives").isEmpty();

        if (crash) {
            MessageBus crashing = oneActive ? first : second;
            acksReachedTheBroker(crashing, aggregate);
            crash(crashing);
        } else {
            (oneActive ? subscriptionOne : subscriptionTwo).cancel();
            awaitEnded(active, EndReason.CANCELLED, promptly());
        }

        eventually(() -> {
            standby.ackAll();
            assertThat(standby.sequences()).containsExactly(3L, 4L, 5L, 6L);
        });
        assertThat((oneActive ? subscriptionTwo : subscriptionOne).isOpen()).isTrue();
    }

    // ---- idle consumers ----

    @Test
    void cancelsAConsumerIdleForTheIdleTimeout() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS));
        Recorder ads = Recorder.manual();
        Instant subscribed = now();
        Subscription subscription = bus.subscribeAggregate(aggregate, ADS, ads);

        passUntil(subscribed, idle().minus(margin()));
        assertThat(subscription.isOpen()).isTrue();

        awaitEnded(ads, EndReason.IDLE, margin().multipliedBy(3));
        assertThat(subscription.isOpen()).isFalse();
    }

    @Test
    void neverCancelsAConsumerWithTraffic() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS));
        Recorder ads = Recorder.acking();
        Subscription subscription = bus.subscribeAggregate(aggregate, ADS, ads);
        Instant start = now();
        long sequence = 0;
        while (now().isBefore(start.plus(idle().multipliedBy(3)))) {
            sequence++;
            bus.publish(aggregate, events(aggregate, sequence, sequence));
            elapse(idle().dividedBy(2));
        }

        assertThat(subscription.isOpen()).isTrue();
        assertThat(ads.endings()).isEmpty();
        assertThat(ads.sequences()).hasSize((int) sequence);
    }

    @Test
    void neverCancelsAConsumerHoldingAnUnsettledMessage() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS));
        Recorder ads = Recorder.manual();
        Subscription subscription = bus.subscribeAggregate(aggregate, ADS, ads);
        bus.publish(aggregate, events(aggregate, 1, 1));
        eventually(() -> assertThat(ads.sequences()).containsExactly(1L));

        elapse(idle().multipliedBy(2));
        assertThat(subscription.isOpen()).as("a consumer working on a message is not idle").isTrue();

        Instant settled = now();
        ads.ackAll();
        passUntil(settled, idle().minus(margin()));
        assertThat(subscription.isOpen()).isTrue();
        awaitEnded(ads, EndReason.IDLE, margin().multipliedBy(3));
    }

    // ---- settling ----

    @Test
    void returnsUnsettledMessagesInOrderWhenASubscriptionEnds() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS));
        Recorder first = Recorder.manual();
        Subscription subscription = bus.subscribeAggregate(aggregate, ADS, first);
        bus.publish(aggregate, events(aggregate, 1, 4));
        eventually(() -> assertThat(first.sequences()).containsExactly(1L, 2L, 3L, 4L));
        first.deliveries().get(0).ack();

        subscription.cancel();
        awaitEnded(first, EndReason.CANCELLED, promptly());
        assertThat(subscription.isOpen()).isFalse();
        Recorder second = Recorder.acking();
        connection().subscribeAggregate(aggregate, ADS, second);
        eventually(() -> assertThat(second.sequences()).containsExactly(2L, 3L, 4L));
        // the first listener saw all three before its subscription ended: each comes back marked redelivered
        assertThat(second.deliveries()).allSatisfy(delivery ->
                assertThat(delivery.redelivered()).as("redelivered flag of %s", delivery.event()).isTrue());
    }

    @Test
    void aRequeuedEventIsDeliveredAgainMarkedRedelivered() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS));
        Recorder ads = Recorder.manual();
        Subscription subscription = bus.subscribeAggregate(aggregate, ADS, ads);
        bus.publish(aggregate, events(aggregate, 1, 1));
        eventually(() -> assertThat(ads.sequences()).containsExactly(1L));

        ads.deliveries().get(0).requeue();

        eventually(() -> assertThat(ads.sequences()).containsExactly(1L, 1L));
        assertThat(ads.deliveries().get(1).redelivered()).isTrue();
        ads.deliveries().get(1).ack();
        ads.deliveries().get(1).ack();
        assertThat(subscription.isOpen()).isTrue();
    }

    @Test
    void aThrowingListenerKeepsItsSubscriptionAndGetsTheEventAgain() {
        MessageBus bus = connection();
        AggregateRef aggregate = freshAggregate();
        bus.declareRoute(aggregate, Set.of(ADS));
        AtomicBoolean failed = new AtomicBoolean();
        Recorder ads = Recorder.doing(delivery -> {
            if (failed.compareAndSet(false, true)) {
                throw new IllegalStateException("listener failure on purpose");
            }
            delivery.ack();
        });
        Subscription subscription = bus.subscribeAggregate(aggregate, ADS, ads);

        bus.publish(aggregate, events(aggregate, 1, 2));

        eventually(() -> assertThat(ads.sequences()).containsExactlyInAnyOrder(1L, 1L, 2L));
        assertThat(ads.deliveries().stream().filter(d -> d.event().sequence() == 1L).skip(1).findFirst().orElseThrow()
                .redelivered()).isTrue();
        assertThat(subscription.isOpen()).isTrue();
        assertThat(ads.endings()).isEmpty();
    }

    @Test
    void closingAConnectionEndsItsSubscriptionsQuietlyAndReturnsTheirMessages() {
        MessageBus closing = connect();
        AggregateRef aggregate = freshAggregate();
        closing.declareRoute(aggregate, Set.of(ADS));
        Recorder first = Recorder.manual();
        Subscription subscription = closing.subscribeAggregate(aggregate, ADS, first);
        closing.publish(aggregate, events(aggregate, 1, 2));
        eventually(() -> assertThat(first.sequences()).startsWith(1L));

        closing.close();

        assertThat(subscription.isOpen()).isFalse();
        Recorder second = Recorder.acking();
        connection().subscribeAggregate(aggregate, ADS, second);
        eventually(() -> assertThat(second.sequences()).containsExactly(1L, 2L));
        assertThat(first.endings()).as("close does not call listeners").isEmpty();
    }

    @Test
    void subscribingToAMissingQueueFails() {
        AggregateRef aggregate = freshAggregate();

        assertThatThrownBy(() -> connection().subscribeAggregate(aggregate, ADS, Recorder.manual()))
                .isInstanceOf(PortException.class);
    }

    // ---- the partitioned topology ----

    private AggregateTopology.Partitioned partitionedTopology() {
        return AggregateTopology.partitioned(PARTITIONS).withQueueExpiry(partitionExpiry());
    }

    /** A new connection, closed after the test, on which {@code Order} is partitioned. */
    private MessageBus partitionedConnection() {
        MessageBus bus = connection();
        bus.useTopology(ORDER, partitionedTopology());
        return bus;
    }

    /** A fresh aggregate of {@code Order} whose id hashes onto {@code partition}. */
    private AggregateRef orderIn(int partition) {
        while (true) {
            AggregateRef aggregate = new AggregateRef(ORDER, AggregateId.of(UUID.randomUUID().toString()));
            if (partitionedTopology().partitionOf(aggregate.id()) == partition) {
                return aggregate;
            }
        }
    }

    private static List<Long> sequencesOf(Recorder recorder, AggregateRef aggregate) {
        return recorder.deliveries().stream().filter(delivery -> delivery.event().aggregate().equals(aggregate))
                .map(delivery -> delivery.event().sequence()).toList();
    }

    @Test
    void routesAnAggregateToThePartitionItsIdHashesOntoForEachService() {
        MessageBus bus = partitionedConnection();
        AggregateRef aggregate = orderIn(2);
        bus.declareRoute(aggregate, Set.of(ADS, SEARCH));
        bus.declareRoute(aggregate, Set.of(ADS, SEARCH));

        assertThat(exchangeExists(topology().partitionExchange(ORDER))).isTrue();
        assertThat(queueExists(topology().partitionQueue(ORDER, 2, ADS))).isTrue();
        assertThat(queueExists(topology().partitionQueue(ORDER, 2, SEARCH))).isTrue();
        assertThat(queueExists(topology().partitionQueue(ORDER, 1, ADS))).as("only the aggregate's partition")
                .isFalse();
        assertThat(exchangeExists(topology().aggregateExchange(aggregate))).as("nothing per aggregate").isFalse();
        assertThat(queueExists(topology().aggregateQueue(aggregate, ADS))).isFalse();
        bus.declarePartitions(ORDER, ADS);
        List<Recorder> ads = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            Recorder recorder = Recorder.acking();
            ads.add(recorder);
            bus.subscribePartition(ORDER, partition, ADS, "ads-1", recorder);
        }
        Recorder search = Recorder.acking();
        bus.subscribePartition(ORDER, 2, SEARCH, "search-1", search);

        assertThat(bus.publish(aggregate, events(aggregate, 1, 3))).isEqualTo(new PublishResult.Routed());

        eventually(() -> {
            assertThat(ads.get(2).sequences()).containsExactly(1L, 2L, 3L);
            assertThat(search.sequences()).containsExactly(1L, 2L, 3L);
        });
        elapse(margin());
        assertThat(ads.get(2).sequences()).as("one copy per queue").hasSize(3);
        for (int other : List.of(0, 1, 3)) {
            assertThat(ads.get(other).deliveries()).as("partition %d", other).isEmpty();
        }
    }

    @Test
    void declaresTheRoutesOfABatchOfPartitionedAggregates() {
        MessageBus bus = partitionedConnection();
        AggregateRef first = orderIn(0);
        AggregateRef second = orderIn(3);
        AggregateRef third = orderIn(3);
        Map<AggregateRef, Set<ServiceName>> routes = new LinkedHashMap<>();
        routes.put(first, Set.of(ADS));
        routes.put(second, Set.of(ADS, SEARCH));
        routes.put(third, Set.of(ADS));

        assertThat(bus.declareRoutes(routes)).isEmpty();

        assertThat(queueExists(topology().partitionQueue(ORDER, 0, ADS))).isTrue();
        assertThat(queueExists(topology().partitionQueue(ORDER, 3, ADS))).isTrue();
        assertThat(queueExists(topology().partitionQueue(ORDER, 3, SEARCH))).isTrue();
        assertThat(queueExists(topology().partitionQueue(ORDER, 0, SEARCH))).isFalse();
        assertThat(bus.publishAll(Map.of(first, events(first, 1, 1), third, events(third, 1, 1))).values())
                .containsOnly(new PublishResult.Routed());
    }

    @Test
    void deliversEachAggregatesEventsInOrderWhenAggregatesShareAPartition() {
        MessageBus bus = partitionedConnection();
        AggregateRef first = orderIn(1);
        AggregateRef second = orderIn(1);
        AggregateRef elsewhere = orderIn(0);
        bus.declarePartitions(ORDER, ADS);
        bus.declareRoute(elsewhere, Set.of());
        Recorder ads = Recorder.acking();
        bus.subscribePartition(ORDER, 1, ADS, "ads-1", ads);
        Map<AggregateRef, List<Event>> batch = new LinkedHashMap<>();
        batch.put(first, events(first, 1, 3));
        batch.put(second, events(second, 1, 2));
        Map<AggregateRef, PublishResult> results = bus.publishAll(batch);
        assertThat(bus.publish(second, events(second, 3, 4))).isEqualTo(new PublishResult.Routed());
        assertThat(bus.publish(first, events(first, 4, 4))).isEqualTo(new PublishResult.Routed());

        assertThat(results).containsEntry(first, new PublishResult.Routed())
                .containsEntry(second, new PublishResult.Routed());
        eventually(() -> {
            assertThat(sequencesOf(ads, first)).containsExactly(1L, 2L, 3L, 4L);
            assertThat(sequencesOf(ads, second)).containsExactly(1L, 2L, 3L, 4L);
        });
    }

    @Test
    void publishingToAPartitionWithoutQueuesIsUnroutableAndBeforeAnyRouteExchangeMissing() {
        MessageBus bus = partitionedConnection();
        AggregateRef routed = orderIn(0);
        AggregateRef unrouted = orderIn(1);
        String exchange = topology().partitionExchange(ORDER).value();

        assertThat(bus.publish(routed, events(routed, 1, 1))).isEqualTo(new PublishResult.ExchangeMissing(exchange));

        bus.declareRoute(routed, Set.of(ADS));
        Map<AggregateRef, List<Event>> batch = new LinkedHashMap<>();
        batch.put(unrouted, events(unrouted, 1, 1));
        batch.put(routed, events(routed, 1, 1));
        Map<AggregateRef, PublishResult> results = bus.publishAll(batch);

        assertThat(results).containsEntry(routed, new PublishResult.Routed())
                .containsEntry(unrouted, new PublishResult.Unroutable(exchange));
        assertThat(bus.publish(unrouted, events(unrouted, 2, 2))).isEqualTo(new PublishResult.Unroutable(exchange));
    }

    @Test
    void settlesPartitionMessagesOneByOneInAnyOrderAcrossAggregates() {
        MessageBus bus = partitionedConnection();
        AggregateRef first = orderIn(2);
        AggregateRef second = orderIn(2);
        bus.declarePartitions(ORDER, ADS);
        Recorder ads = Recorder.manual();
        Subscription subscription = bus.subscribePartition(ORDER, 2, ADS, "ads-1", ads);
        bus.publish(first, events(first, 1, 1));
        bus.publish(second, events(second, 1, 1));
        eventually(() -> assertThat(ads.deliveries()).hasSize(2));

        ads.deliveries().get(1).ack();
        ads.deliveries().get(0).requeue();

        eventually(() -> assertThat(ads.deliveries()).hasSize(3));
        Delivery again = ads.deliveries().get(2);
        assertThat(again.event().aggregate()).isEqualTo(first);
        assertThat(again.redelivered()).isTrue();
        again.ack();
        subscription.cancel();
        awaitEnded(ads, EndReason.CANCELLED, promptly());
        Recorder next = Recorder.acking();
        bus.subscribePartition(ORDER, 2, ADS, "ads-2", next);
        bus.publish(second, events(second, 2, 2));
        eventually(() -> assertThat(next.deliveries()).hasSize(1));
        elapse(margin());
        assertThat(sequencesOf(next, second)).as("nothing settled comes back").containsExactly(2L);
        assertThat(sequencesOf(next, first)).isEmpty();
    }

    @Test
    void oneConsumerAtATimeIsActiveOnAPartitionAndTheNextTakesOverFromTheFirstUnsettledMessage() {
        assertPartitionHandOver(false);
    }

    @Test
    void aCrashedInstanceHandsItsPartitionToTheNextConsumer() {
        assertPartitionHandOver(true);
    }

    private void assertPartitionHandOver(boolean crash) {
        MessageBus producer = partitionedConnection();
        MessageBus first = partitionedConnection();
        MessageBus second = partitionedConnection();
        AggregateRef one = orderIn(3);
        AggregateRef other = orderIn(3);
        producer.declarePartitions(ORDER, ADS);
        Recorder firstHeard = Recorder.manual();
        Recorder secondHeard = Recorder.manual();
        Subscription firstSubscription = first.subscribePartition(ORDER, 3, ADS, "instance-1", firstHeard);
        Subscription secondSubscription = second.subscribePartition(ORDER, 3, ADS, "instance-2", secondHeard);
        producer.publish(one, events(one, 1, 3));
        producer.publish(other, events(other, 1, 3));

        eventually(() -> assertThat(firstHeard.deliveries().size() + secondHeard.deliveries().size()).isEqualTo(6));
        boolean firstActive = !firstHeard.deliveries().isEmpty();
        Recorder active = firstActive ? firstHeard : secondHeard;
        Recorder standby = firstActive ? secondHeard : firstHeard;
        assertThat(standby.deliveries()).as("the standby receives nothing while the active consumer lives").isEmpty();
        assertThat(sequencesOf(active, one)).containsExactly(1L, 2L, 3L);
        // settled out of order across aggregates: one's first two and other's first
        active.deliveries().stream().filter(d -> d.event().aggregate().equals(one) && d.event().sequence() <= 2)
                .forEach(Delivery::ack);
        active.deliveries().stream().filter(d -> d.event().aggregate().equals(other) && d.event().sequence() == 1)
                .forEach(Delivery::ack);

        if (crash) {
            MessageBus crashing = firstActive ? first : second;
            acksReachedTheBroker(crashing, one);
            crash(crashing);
        } else {
            (firstActive ? firstSubscription : secondSubscription).cancel();
            awaitEnded(active, EndReason.CANCELLED, promptly());
        }

        eventually(() -> {
            standby.ackAll();
            assertThat(sequencesOf(standby, one)).containsExactly(3L);
            assertThat(sequencesOf(standby, other)).containsExactly(2L, 3L);
        });
        assertThat(standby.deliveries()).allSatisfy(delivery -> assertThat(delivery.redelivered()).isTrue());
        assertThat((firstActive ? secondSubscription : firstSubscription).isOpen()).isTrue();
    }

    @Test
    void neverCancelsAnIdlePartitionConsumer() {
        MessageBus bus = partitionedConnection();
        bus.declarePartitions(ORDER, ADS);
        Recorder ads = Recorder.acking();
        Subscription subscription = bus.subscribePartition(ORDER, 0, ADS, "ads-1", ads);

        elapse(idle().multipliedBy(2).plus(margin()));

        assertThat(subscription.isOpen()).isTrue();
        assertThat(ads.endings()).isEmpty();
        AggregateRef aggregate = orderIn(0);
        bus.publish(aggregate, events(aggregate, 1, 1));
        eventually(() -> assertThat(ads.sequences()).containsExactly(1L));
    }

    @Test
    void announcingAnAggregateOfAPartitionedTypeDoesNothing() {
        MessageBus bus = partitionedConnection();
        AggregateRef first = orderIn(0);
        AggregateRef second = orderIn(1);

        assertThat(bus.announce(first)).isEqualTo(new PublishResult.Routed());
        assertThat(bus.announceAll(List.of(first, second)).values()).containsOnly(new PublishResult.Routed());

        assertThat(exchangeExists(topology().announcementExchange(ORDER))).as("nothing was sent anywhere").isFalse();
        MessageBus perAggregate = connection();
        assertThat(perAggregate.announce(first)).as("a bus where the type is not partitioned announces")
                .isEqualTo(new PublishResult.ExchangeMissing(topology().announcementExchange(ORDER).value()));
    }

    @Test
    void refusesToConsumeAnAggregateQueueOfAPartitionedType() {
        MessageBus bus = partitionedConnection();
        AggregateRef aggregate = orderIn(0);
        bus.declareRoute(aggregate, Set.of(ADS));

        assertThatThrownBy(() -> bus.subscribeAggregate(aggregate, ADS, Recorder.manual()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("subscribePartition");
    }

    @Test
    void refusesPartitionOperationsOnATypeThatIsNotPartitioned() {
        MessageBus bus = connection();

        assertThatThrownBy(() -> bus.declarePartitions(TYPE, ADS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("useTopology");
        assertThatThrownBy(() -> bus.subscribePartition(TYPE, 0, ADS, "ads-1", Recorder.manual()))
                .isInstanceOf(IllegalStateException.class);
        bus.useTopology(ORDER, partitionedTopology());
        bus.useTopology(ORDER, partitionedTopology());
        assertThatThrownBy(() -> bus.useTopology(ORDER, AggregateTopology.partitioned(PARTITIONS + 1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void subscribingToAPartitionQueueNotDeclaredFails() {
        MessageBus bus = partitionedConnection();
        bus.declareRoute(orderIn(0), Set.of(ADS));

        assertThatThrownBy(() -> bus.subscribePartition(ORDER, 1, ADS, "ads-1", Recorder.manual()))
                .isInstanceOf(PortException.class);
    }

    @Test
    void declaresPartitionsIdempotentlyEachQueueBoundOnce() {
        MessageBus bus = partitionedConnection();
        bus.declarePartitions(ORDER, ADS);
        bus.declarePartitions(ORDER, ADS);
        partitionedConnection().declarePartitions(ORDER, ADS);
        List<Recorder> ads = new ArrayList<>();
        List<AggregateRef> aggregates = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            assertThat(queueExists(topology().partitionQueue(ORDER, partition, ADS))).isTrue();
            Recorder recorder = Recorder.acking();
            ads.add(recorder);
            bus.subscribePartition(ORDER, partition, ADS, "ads-1", recorder);
            aggregates.add(orderIn(partition));
        }
        assertThat(queueExists(topology().partitionQueue(ORDER, 0, SEARCH))).isFalse();

        for (AggregateRef aggregate : aggregates) {
            assertThat(bus.publish(aggregate, events(aggregate, 1, 1))).isEqualTo(new PublishResult.Routed());
        }

        for (int partition = 0; partition < PARTITIONS; partition++) {
            Recorder recorder = ads.get(partition);
            AggregateRef aggregate = aggregates.get(partition);
            eventually(() -> assertThat(sequencesOf(recorder, aggregate)).containsExactly(1L));
        }
        elapse(margin());
        for (Recorder recorder : ads) {
            assertThat(recorder.deliveries()).as("one binding per queue").hasSize(1);
        }
    }

    @Test
    void declaresPartitionQueuesWithTheTopologysExpiry() {
        MessageBus bus = partitionedConnection();
        bus.declarePartitions(ORDER, SEARCH);
        QueueName queue = topology().partitionQueue(ORDER, 1, SEARCH);
        Optional<Duration> declared = declaredExpiry(queue);
        assumeTrue(declared.isPresent(), "this adapter's test cannot read a queue's expiry");

        assertThat(declared).contains(partitionExpiry());
    }

    @Test
    void aPartitionQueueNobodyConsumesExpiresAfterTheTopologysExpiry() {
        if (!awaitsPartitionExpiry()) {
            // a partition queue lives a minute at least: a real broker's test does not wait for it, but reads that the
            // broker was told to delete it (RabbitMQ's x-expires), for every service's queue of the partition
            MessageBus bus = partitionedConnection();
            bus.declarePartitions(ORDER, ADS);
            bus.declarePartitions(ORDER, SEARCH);
            Optional<Duration> ads = declaredExpiry(topology().partitionQueue(ORDER, 1, ADS));
            assumeTrue(ads.isPresent(), "this adapter's test can neither wait for nor read a queue's expiry");
            assertThat(ads).contains(partitionExpiry());
            assertThat(declaredExpiry(topology().partitionQueue(ORDER, 1, SEARCH))).contains(partitionExpiry());
            return;
        }
        MessageBus bus = partitionedConnection();
        Instant declared = now();
        bus.declarePartitions(ORDER, ADS);
        bus.declarePartitions(ORDER, SEARCH);
        Recorder ads = Recorder.acking();
        Subscription consumed = bus.subscribePartition(ORDER, 0, ADS, "ads-1", ads);
        AggregateRef aggregate = orderIn(1);
        bus.publish(aggregate, events(aggregate, 1, 1));

        passUntil(declared, partitionExpiry().minus(margin()));
        assertThat(queueExists(topology().partitionQueue(ORDER, 1, SEARCH))).isTrue();

        awaitGone(topology().partitionQueue(ORDER, 1, SEARCH));
        awaitGone(topology().partitionQueue(ORDER, 1, ADS));
        assertThat(queueExists(topology().partitionQueue(ORDER, 0, ADS))).as("a consumer keeps its queue").isTrue();
        assertThat(consumed.isOpen()).isTrue();
        assertThat(exchangeExists(topology().partitionExchange(ORDER))).as("the type's exchange is durable").isTrue();
        assertThat(bus.publish(aggregate, events(aggregate, 2, 2))).as("what the queue held went with it")
                .isEqualTo(new PublishResult.Unroutable(topology().partitionExchange(ORDER).value()));
    }
}
