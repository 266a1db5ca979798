package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.ForwardingMessageBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route in use is declared again in the background once its cache entry is past half the route cache TTL, so that
 * a publish never waits for it; nothing is trusted longer than the TTL.
 */
class RouteRefreshTest {
    private static final AggregateRef PRODUCT = AggregateRef.of("Product", "42");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final InMemoryBroker broker = ports.broker();
    private final Duration ttl = ports.expiry().routeCacheTtl();
    /** Every declaration of the product's route the producer's bus was asked for, failed ones too. */
    private final List<String> declarations = new CopyOnWriteArrayList<>();
    private final List<Eventsource> runtimes = new ArrayList<>();
    private volatile boolean declarationsFail;
    private Publisher publisher;
    private int nextId;

    @BeforeEach
    void producerAndListener() {
        Eventsource listening = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), broker.connect(),
                clock, ports.expiry());
        runtimes.add(listening);
        Listener listener = listening.listener(ServiceName.of("ads"));
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
    void declaresARouteInUseAgainInTheBackgroundPastHalfItsTtlAndNeverTrustsItPastTheTtl() {
        assertThat(publish().isSent()).isTrue();
        assertThat(declarations).as("the first publish declares the route").hasSize(1);

        clock.advanceBy(ttl.dividedBy(2).plusSeconds(1));
        assertThat(publish().isSent()).isTrue();
        assertThat(declarations).as("the aging route does not hold up the publish").hasSize(1);
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(declarations).as("declared again right after, in the background").hasSize(2);

        clock.advanceBy(ttl.dividedBy(2).minusSeconds(1));
        assertThat(publish().isSent()).isTrue();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(declarations).as("past the first declaration's TTL, but the second one is young").hasSize(2);

        clock.advanceBy(ttl);
        assertThat(publish().isSent()).isTrue();
        assertThat(declarations).as("a route unused for a TTL is declared on the publish path again").hasSize(3);
    }

    @Test
    void aBackgroundDeclarationThatFailsHoldsUpNoPublishAndIsTriedAgainAtTheNextOne() {
        assertThat(publish().isSent()).isTrue();

        declarationsFail = true;
        clock.advanceBy(ttl.dividedBy(2).plusSeconds(1));
        assertThat(publish().isSent()).as("published on the route still within its TTL").isTrue();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(declarations).as("the background declaration was tried").hasSize(2);

        declarationsFail = false;
        assertThat(publish().isSent()).isTrue();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(declarations).as("tried again after the next publish, and it held").hasSize(3);

        clock.advanceBy(ttl.dividedBy(2).minusSeconds(1));
        assertThat(publish().isSent()).isTrue();
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(declarations).as("the renewed route is young: nothing to declare").hasSize(3);
    }

    private void failIfAsked() {
        if (declarationsFail) {
            throw new TransientPortException("the broker refused the declaration (test)");
        }
    }

    private Publication publish() {
        return publisher.publish(PRODUCT, ExpectedVersion.ANY, List.of(new NewEvent(EventId.of("e-" + nextId++),
                EventName.of("Renamed"), Payload.text("x"), Map.of(), clock.instant())));
    }
}
