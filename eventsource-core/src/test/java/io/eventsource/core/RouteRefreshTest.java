package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Payload;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.ForwardingMessageBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route in use is made sure of again in the background once its lease is past half the route cache TTL, so that a
 * publish never waits for it; nothing is trusted longer than the TTL. Making sure is a renewal (the queues' expiry
 * restarted, nothing declared) while the route was declared in full less than a queue expiry ago, and a declaration
 * otherwise, or when a queue of the route is gone.
 */
class RouteRefreshTest {
    private static final AggregateRef PRODUCT = AggregateRef.of("Product", "42");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final ServiceName SEARCH = ServiceName.of("search");
    private static final Topology TOPOLOGY = Topology.of(Namespace.NONE);

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final InMemoryBroker broker = ports.broker();
    private final Duration ttl = ports.expiry().routeCacheTtl();
    private final Duration queueExpiry = ports.expiry().queueExpiry();
    /** Every declaration of the product's route the producer's bus was asked for, failed ones too. */
    private final List<String> declarations = new CopyOnWriteArrayList<>();
    /** Every renewal of the product's route the producer's bus was asked for, failed ones too. */
    private final List<String> renewals = new CopyOnWriteArrayList<>();
    private final List<Eventsource> runtimes = new ArrayList<>();
    private volatile boolean brokerFails;
    private Publisher publisher;
    private int nextId;

    @BeforeEach
    void producerAndListener() {
        Eventsource listening = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), broker.connect(),
                clock, ports.expiry());
        runtimes.add(listening);
        Listener listener = listening.listener(ADS);
        listener.listen("Product", "projections").onAny(event -> { });
        listener.start();
        clock.advanceBy(Duration.ofMillis(100));

        ForwardingMessageBus bus = new ForwardingMessageBus(broker.connect()) {
            @Override
            public void declareRoute(AggregateRef aggregate, Set<ServiceName> services) {
                declarations.add(aggregate.toString());
                failIfAsked();
                super.declareRoute(aggregate, services);
            }

            @Override
            public Map<AggregateRef, RouteCollisionException> declareRoutes(
                    Map<AggregateRef, Set<ServiceName>> routes) {
                routes.keySet().forEach(aggregate -> declarations.add(aggregate.toString()));
                failIfAsked();
                return super.declareRoutes(routes);
            }

            @Override
            public Set<AggregateRef> renewRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
                routes.keySet().forEach(aggregate -> renewals.add(aggregate.toString()));
                failIfAsked();
                return super.renewRoutes(routes);
            }
        };
        Eventsource producing = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), bus, clock,
                ports.expiry());
        runtimes.add(producing);
        publisher = producing.publisher();
    }

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void renewsARouteInUseInTheBackgroundPastHalfItsTtlAndNeverTrustsItPastTheTtl() {
        assertThat(publish().isSent()).isTrue();
        assertThat(declarations).as("the first publish declares the route").hasSize(1);
        assertThat(renewals).isEmpty();

        clock.advanceBy(ttl.dividedBy(2).plusSeconds(1));
        assertThat(publish().isSent()).isTrue();
        assertThat(renewals).as("the aging route does not hold up the publish").isEmpty();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(renewals).as("renewed right after, in the background").hasSize(1);
        assertThat(declarations).as("declared in full less than a queue expiry ago: not declared").hasSize(1);

        clock.advanceBy(ttl.dividedBy(2).minusSeconds(1));
        assertThat(publish().isSent()).isTrue();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(renewals).as("past the declaration's TTL, but the renewal is young").hasSize(1);
    }

    @Test
    void renewsOnThePublishPathARouteUnusedForATtl() {
        assertThat(publish().isSent()).isTrue();
        // within half the queue expiry, the least time after which a route is declared in full again
        clock.advanceBy(ttl.plusSeconds(1));

        assertThat(publish().isSent()).isTrue();

        assertThat(renewals).as("made sure of before it is published to").hasSize(1);
        assertThat(declarations).as("by a renewal: its queues cannot have expired").hasSize(1);
    }

    @Test
    void declaresARouteInUseInFullAgainWithinEveryQueueExpiry() {
        assertThat(publish().isSent()).isTrue();
        Duration step = ttl.dividedBy(2).plusSeconds(1);
        Duration twoExpiries = queueExpiry.multipliedBy(2);
        for (Duration passed = Duration.ZERO; passed.compareTo(twoExpiries) < 0; passed = passed.plus(step)) {
            clock.advanceBy(step);
            assertThat(publish().isSent()).isTrue();
            clock.advanceBy(Duration.ofMillis(1));
        }

        assertThat(renewals).as("renewed in between").hasSizeGreaterThanOrEqualTo(declarations.size());
        // every half to whole queue expiry, to within a refresh: twice to four times in two expiries
        assertThat(declarations).as("declared again in full, which binds a queue that lost its binding")
                .hasSizeBetween(3, 5);
        assertThat(broker.queueExists(TOPOLOGY.aggregateQueue(PRODUCT, ADS))).isTrue();
    }

    @Test
    void spreadsTheFullDeclarationsOfRoutesDeclaredTogether() {
        List<AggregateRef> together = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            together.add(AggregateRef.of("Product", "p-" + i));
        }
        together.forEach(this::publishTo);
        List<Instant> again = new CopyOnWriteArrayList<>();
        Duration step = Duration.ofSeconds(1);
        for (Duration passed = Duration.ZERO; passed.compareTo(queueExpiry.plus(ttl)) < 0; passed = passed.plus(step)) {
            int before = declarations.size();
            together.forEach(this::publishTo);
            clock.advanceBy(step);
            for (int i = before; i < declarations.size(); i++) {
                again.add(clock.instant());
            }
        }

        assertThat(again).as("each declared in full again within a queue expiry").hasSizeGreaterThanOrEqualTo(20);
        // declared together, they are renewed together, every half TTL: their full declarations come at the renewals
        // between half and a whole queue expiry, not all at the first one
        assertThat(new HashSet<>(again)).as("not all at one moment").hasSizeGreaterThan(1);
    }

    @Test
    void aRenewalThatFindsAQueueGoneDeclaresTheRouteAgain() {
        assertThat(publish().isSent()).isTrue();
        QueueName queue = TOPOLOGY.aggregateQueue(PRODUCT, ADS);
        clock.advanceBy(ttl.plusSeconds(1));
        broker.deleteQueue(queue);

        assertThat(publish().isSent()).isTrue();

        assertThat(renewals).as("within the queue expiry: a renewal first").hasSize(1);
        assertThat(declarations).as("then, the queue being gone, a declaration").hasSize(2);
        assertThat(broker.queueExists(queue)).isTrue();
    }

    @Test
    void aRouteUnusedForAQueueExpiryIsDeclaredWithoutARenewalFirst() {
        assertThat(publish().isSent()).isTrue();
        clock.advanceBy(queueExpiry.plusSeconds(1));

        assertThat(publish().isSent()).isTrue();

        assertThat(renewals).as("its queues may have expired: nothing to renew").isEmpty();
        assertThat(declarations).hasSize(2);
    }

    @Test
    void leavesTheQueueOfAServiceNoLongerLiveToExpireWhileTheAggregateStaysInUse() {
        Eventsource searching = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(),
                broker.connect(), clock, ports.expiry());
        runtimes.add(searching);
        Listener search = searching.listener(SEARCH);
        search.listen("Product", "projections").onAny(event -> { });
        search.start();
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(publish().isSent()).isTrue();
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(broker.queueExists(TOPOLOGY.aggregateQueue(PRODUCT, SEARCH))).isTrue();

        searching.stop();
        Duration until = ports.expiry().livenessTtl().plus(queueExpiry).plus(ttl);
        for (Duration passed = Duration.ZERO; passed.compareTo(until) < 0; passed = passed.plusSeconds(2)) {
            clock.advanceBy(Duration.ofSeconds(2));
            assertThat(publish().isSent()).isTrue();
        }

        assertThat(broker.queueExists(TOPOLOGY.aggregateQueue(PRODUCT, SEARCH)))
                .as("no longer renewed once search is not live: expired with what it held").isFalse();
        assertThat(broker.queueExists(TOPOLOGY.aggregateQueue(PRODUCT, ADS))).isTrue();
    }

    @Test
    void aBackgroundRenewalThatFailsHoldsUpNoPublishAndIsTriedAgainAtTheNextOne() {
        assertThat(publish().isSent()).isTrue();

        brokerFails = true;
        clock.advanceBy(ttl.dividedBy(2).plusSeconds(1));
        assertThat(publish().isSent()).as("published on the route still within its TTL").isTrue();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(renewals).as("the background renewal was tried").hasSize(1);

        brokerFails = false;
        assertThat(publish().isSent()).isTrue();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(renewals).as("tried again after the next publish, and it held").hasSize(2);

        clock.advanceBy(ttl.dividedBy(2).minusSeconds(1));
        assertThat(publish().isSent()).isTrue();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(renewals).as("the renewed route is young: nothing to renew").hasSize(2);
        assertThat(declarations).hasSize(1);
    }

    private void failIfAsked() {
        if (brokerFails) {
            throw new TransientPortException("the broker refused the call (test)");
        }
    }

    private Publication publish() {
        return publishTo(PRODUCT);
    }

    private Publication publishTo(AggregateRef aggregate) {
        return publisher.publish(aggregate, ExpectedVersion.ANY, List.of(new NewEvent(EventId.of("e-" + nextId++),
                EventName.of("Renamed"), Payload.text("x"), Map.of(), clock.instant())));
    }
}
