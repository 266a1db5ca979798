package io.eventsource.examples.readme;

import io.eventsource.adapter.inmemory.InMemoryAckStoreModule;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryEventLogModule;
import io.eventsource.adapter.inmemory.InMemoryServiceRegistryModule;
import io.eventsource.adapter.inmemory.InMemorySnapshotStoreModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.AggregateRepository;
import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.core.Loaded;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.SnapshotStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's blocks that run in memory do what the README says they do. */
class ReadmeSnippetsTest {
    private static final Topology TOPOLOGY = Topology.of(Namespace.NONE);
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final AggregateRef PRODUCT = AggregateRef.of("Product", "42");

    @Test
    void thePublishBlockAppendsTheEventsOnceAndItsRetryGetsTheStoredOnes() {
        VirtualScheduler clock = new VirtualScheduler();
        InMemoryBroker broker = new InMemoryBroker(clock, ExpiryPolicy.seed());
        ReadmeSnippets.Published published = ReadmeSnippets.publish(InMemoryEventLogModule.eventLog(),
                InMemoryAckStoreModule.ackStore(), broker.connect(),
                InMemoryServiceRegistryModule.serviceRegistry(ExpiryPolicy.seed()));
        try (Eventsource eventsource = published.eventsource()) {
            assertThat(published.sent().events()).extracting(Event::sequence).containsExactly(1L);
            assertThat(published.appended().events()).extracting(Event::sequence).containsExactly(2L, 3L);
            assertThat(published.appended().events()).extracting(event -> event.name().value())
                    .containsExactly("Renamed", "Restocked");
            assertThat(published.retried().events()).isEqualTo(published.appended().events());
            NewEvent next = new NewEvent(EventId.random(), EventName.of("Discontinued"), Payload.json("{}"), Map.of(),
                    Instant.now());
            assertThat(eventsource.publisher().publish(published.product(), ExpectedVersion.exactly(3), List.of(next))
                    .events()).as("the retry appended nothing: the aggregate is at version 3")
                    .extracting(Event::sequence).containsExactly(4L);
        }
    }

    @Test
    void theListenBlockConsumesItsAnnouncementQueueAndAnIdleListenerClosesAtOnce() {
        InMemorySnippets.WithoutDagger memory = InMemorySnippets.withoutDagger(InMemoryEventLogModule.eventLog());

        ReadmeSnippets.listen(memory.eventsource(), event -> { }, event -> { });

        String announcements = TOPOLOGY.announcementQueue(PRODUCT.type(), ADS).value();
        assertThat(announcements).isEqualTo("ProductAggregateIds-ads");
        assertThat(memory.broker().queueExists(TOPOLOGY.announcementQueue(PRODUCT.type(), ADS))).isTrue();
        assertThat(memory.broker().consumerCount(TOPOLOGY.announcementQueue(PRODUCT.type(), ADS)))
                .as("closed").isZero();
    }

    @Test
    void theBuilderBlockBuildsARuntimeOnTheGivenPortsAndClock() {
        VirtualScheduler clock = new VirtualScheduler();
        InMemoryBroker broker = new InMemoryBroker(clock, ExpiryPolicy.seed());
        Eventsource eventsource = ComposeSnippets.withoutDagger(InMemoryEventLogModule.eventLog(),
                InMemoryAckStoreModule.ackStore(), broker.connect(),
                InMemoryServiceRegistryModule.serviceRegistry(ExpiryPolicy.seed()), clock);

        assertThat(eventsource.publisher().publish(PRODUCT, EventName.of("Created"), Payload.json("{}")).events()
                .get(0).occurredAt()).as("on the given clock").isEqualTo(clock.instant());
        eventsource.stop();
    }

    @Test
    void theTimeBlockHandlesTheEventAndLeavesNoRouteBehindOnTheTestComponent() {
        InMemorySnippets.TestApp app = DaggerInMemorySnippets_TestApp.factory().create(ExpiryPolicy.seed());
        List<Event> handled = listening(app.eventsource(), app.clock());
        int connections = app.broker().connectionCount();

        InMemorySnippets.moveTime(app.eventsource(), app.clock(), app.broker(), PRODUCT);

        assertThat(handled).extracting(Event::sequence).containsExactly(1L);
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(PRODUCT))).as("the route is gone").isFalse();
        assertThat(app.broker().queueExists(TOPOLOGY.aggregateQueue(PRODUCT, ADS))).isFalse();
        assertThat(app.broker().connectionCount()).as("the crashed instance's connection is gone")
                .isEqualTo(connections);
    }

    @Test
    void theTimeBlockDoesTheSameWithoutDagger() {
        InMemorySnippets.WithoutDagger memory = InMemorySnippets.withoutDagger(InMemoryEventLogModule.eventLog());
        List<Event> handled = listening(memory.eventsource(), memory.clock());

        InMemorySnippets.moveTime(memory.eventsource(), memory.clock(), memory.broker(), PRODUCT);

        assertThat(handled).extracting(Event::sequence).containsExactly(1L);
        assertThat(memory.broker().exchangeExists(TOPOLOGY.aggregateExchange(PRODUCT))).isFalse();
    }

    @Test
    void anAggregatesRouteIsGoneThirtyFiveSecondsAfterItsLastEventWhileAListenerConsumesIt() {
        InMemorySnippets.TestApp app = DaggerInMemorySnippets_TestApp.factory().create(ExpiryPolicy.seed());
        VirtualScheduler clock = app.clock();
        List<Event> handled = listening(app.eventsource(), clock);

        app.eventsource().publisher().publish(PRODUCT, EventName.of("PriceChanged"), Payload.json("{}"));
        Instant published = clock.instant();
        clock.runDueTasks();
        assertThat(handled).as("delivered at once").hasSize(1);

        clock.advanceTo(published.plus(Duration.ofSeconds(5)).minusMillis(1));
        assertThat(app.broker().consumerCount(TOPOLOGY.aggregateQueue(PRODUCT, ADS))).as("consuming until idle 5 s")
                .isEqualTo(1);
        clock.advanceTo(published.plus(Duration.ofSeconds(5)));
        assertThat(app.broker().consumerCount(TOPOLOGY.aggregateQueue(PRODUCT, ADS))).isZero();
        clock.advanceTo(published.plus(Duration.ofSeconds(35)).minusMillis(1));
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(PRODUCT))).isTrue();
        clock.advanceTo(published.plus(Duration.ofSeconds(35)));
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(PRODUCT)))
                .as("idle timeout + queue expiry after the last event").isFalse();
    }

    @Test
    void anAggregatesRouteIsGoneThirtySecondsAfterItsLastPublishWhenNoListenerConsumesIt() {
        InMemorySnippets.TestApp app = DaggerInMemorySnippets_TestApp.factory().create(ExpiryPolicy.seed());
        VirtualScheduler clock = app.clock();
        Listener stopped = app.eventsource().listener(ADS);
        stopped.listen("Product", "projections").onAny(event -> { });
        stopped.start();
        clock.advanceBy(Duration.ofSeconds(1));
        stopped.stop();
        clock.advanceBy(Duration.ofSeconds(1));

        app.eventsource().publisher().publish(PRODUCT, EventName.of("PriceChanged"), Payload.json("{}"));
        Instant published = clock.instant();

        assertThat(app.broker().queueExists(TOPOLOGY.aggregateQueue(PRODUCT, ADS)))
                .as("routed to the service the registry still names live").isTrue();
        clock.advanceTo(published.plus(Duration.ofSeconds(30)).minusMillis(1));
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(PRODUCT))).isTrue();
        clock.advanceTo(published.plus(Duration.ofSeconds(30)));
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(PRODUCT))).isFalse();
    }

    @Test
    void theRepositoryBlockPaysAPlacedOrderAtTheVersionItLoaded() {
        InMemorySnippets.WithoutDagger memory = InMemorySnippets.withoutDagger(InMemoryEventLogModule.eventLog());
        memory.eventsource().publisher().publish(AggregateRef.of("Order", "7"), EventName.of("OrderPlaced"),
                Payload.json("{}"));

        Loaded<?> order = RepositorySnippets.loadAndSave(memory.eventsource());

        assertThat(order.version()).isEqualTo(2);
        assertThat(order.state()).hasToString("Order[placed=true, paid=1299]");
    }

    @Test
    void theSnapshotBlockSnapshotsEveryHundredEvents() {
        InMemorySnippets.WithoutDagger memory = InMemorySnippets.withoutDagger(InMemoryEventLogModule.eventLog());
        SnapshotStore snapshots = InMemorySnapshotStoreModule.snapshotStore();
        AggregateRepository<Order> orders = RepositorySnippets.withSnapshots(memory.eventsource(), snapshots);

        Loaded<Order> order = orders.save(orders.load("7"), EventName.of("OrderPlaced"), Payload.json("{}"));
        for (int i = 0; i < 99; i++) {
            order = orders.save(order, EventName.of("OrderPaid"), Payload.text("1"));
        }

        assertThat(snapshots.latest(AggregateRef.of("Order", "7"))).hasValueSatisfying(snapshot ->
                assertThat(Order.fromPayload(snapshot.state())).isEqualTo(new Order(true, 99)));
        assertThat(orders.load("7").state()).isEqualTo(new Order(true, 99));
    }

    /** A listener of ads on Product, started, whose handled events the list collects. */
    private static List<Event> listening(Eventsource eventsource, VirtualScheduler clock) {
        List<Event> handled = new CopyOnWriteArrayList<>();
        Listener ads = eventsource.listener(ADS);
        ads.listen("Product", "projections").onAny(handled::add);
        ads.start();
        clock.advanceBy(Duration.ofSeconds(1));
        return handled;
    }
}
