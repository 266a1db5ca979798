package io.eventsource.examples.readme;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.domain.EventId;
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

    @Test
    void thePublishBlockAppendsTheEventsOnceAndItsRetryGetsTheStoredOnes() {
        ReadmeSnippets.Published published = ReadmeSnippets.publish();

        assertThat(published.sent().events()).extracting(Event::sequence).containsExactly(1L);
        assertThat(published.appended().events()).extracting(Event::sequence).containsExactly(2L, 3L);
        assertThat(published.appended().events()).extracting(event -> event.name().value())
                .containsExactly("Renamed", "Restocked");
        assertThat(published.retried().events()).isEqualTo(published.appended().events());
        NewEvent next = new NewEvent(EventId.random(), EventName.of("Discontinued"), Payload.json("{}"), Map.of(),
                Instant.now());
        assertThat(published.eventsource().publisher().publish(published.product(), ExpectedVersion.exactly(3),
                List.of(next)).events()).as("the retry appended nothing: the aggregate is at version 3")
                .extracting(Event::sequence).containsExactly(4L);
    }

    @Test
    void theListenBlockRegistersItsBindingAndAnIdleListenerClosesAtOnce() {
        ReadmeSnippets.TestApp app = DaggerReadmeSnippets_TestApp.factory().create(ExpiryPolicy.seed());

        ReadmeSnippets.listen(app.eventsource(), event -> { }, event -> { });

        assertThat(app.registry().bindings()).containsExactly(Binding.of("ads", "Product", "projections"));
    }

    @Test
    void theDaggerBlockComposesARuntimeThatPublishes() {
        ReadmeSnippets.App app = DaggerReadmeSnippets_App.factory().create(ExpiryPolicy.seed());

        assertThat(app.eventsource().publisher().publish(AggregateRef.of("Product", "42"), EventName.of("Created"),
                Payload.json("{}")).events()).hasSize(1);
    }

    @Test
    void theUnitTestBlockHandlesTheEventAndLeavesNoRouteBehind() {
        ReadmeSnippets.TestApp app = DaggerReadmeSnippets_TestApp.factory().create(ExpiryPolicy.seed());
        AggregateRef product = AggregateRef.of("Product", "42");
        List<Event> handled = listening(app);
        int connections = app.broker().connectionCount();

        ReadmeSnippets.inAUnitTest(app, app.eventsource(), product);

        assertThat(handled).extracting(Event::sequence).containsExactly(1L);
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(product))).as("the route is gone").isFalse();
        assertThat(app.broker().queueExists(TOPOLOGY.aggregateQueue(product, ADS))).isFalse();
        assertThat(app.broker().connectionCount()).as("the crashed instance's connection").isEqualTo(connections);
    }

    @Test
    void anAggregatesRouteIsGoneThirtyFiveSecondsAfterItsLastEventWhileAListenerConsumesIt() {
        ReadmeSnippets.TestApp app = DaggerReadmeSnippets_TestApp.factory().create(ExpiryPolicy.seed());
        VirtualScheduler clock = app.clock();
        AggregateRef product = AggregateRef.of("Product", "42");
        List<Event> handled = listening(app);

        app.eventsource().publisher().publish(product, EventName.of("PriceChanged"), Payload.json("{}"));
        Instant published = clock.instant();
        clock.runDueTasks();
        assertThat(handled).as("delivered at once").hasSize(1);
        assertThat(clock.instant()).isEqualTo(published);

        clock.advanceTo(published.plus(Duration.ofSeconds(5)).minusMillis(1));
        assertThat(app.broker().consumerCount(TOPOLOGY.aggregateQueue(product, ADS))).as("consuming until idle 5 s")
                .isEqualTo(1);
        clock.advanceTo(published.plus(Duration.ofSeconds(5)));
        assertThat(app.broker().consumerCount(TOPOLOGY.aggregateQueue(product, ADS))).isZero();
        clock.advanceTo(published.plus(Duration.ofSeconds(35)).minusMillis(1));
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(product))).isTrue();
        clock.advanceTo(published.plus(Duration.ofSeconds(35)));
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(product)))
                .as("idle timeout + queue expiry after the last event").isFalse();
    }

    @Test
    void anAggregatesRouteIsGoneThirtySecondsAfterItsLastPublishWhenNoListenerConsumesIt() {
        ReadmeSnippets.TestApp app = DaggerReadmeSnippets_TestApp.factory().create(ExpiryPolicy.seed());
        VirtualScheduler clock = app.clock();
        AggregateRef product = AggregateRef.of("Product", "42");
        Listener stopped = app.eventsource().listener(ADS);
        stopped.listen("Product", "projections").onAny(event -> { });
        stopped.start();
        clock.advanceBy(Duration.ofSeconds(1));
        stopped.stop();
        clock.advanceBy(Duration.ofSeconds(1));

        app.eventsource().publisher().publish(product, EventName.of("PriceChanged"), Payload.json("{}"));
        Instant published = clock.instant();

        assertThat(app.broker().queueExists(TOPOLOGY.aggregateQueue(product, ADS)))
                .as("routed to the service the registry still names live").isTrue();
        clock.advanceTo(published.plus(Duration.ofSeconds(30)).minusMillis(1));
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(product))).isTrue();
        clock.advanceTo(published.plus(Duration.ofSeconds(30)));
        assertThat(app.broker().exchangeExists(TOPOLOGY.aggregateExchange(product))).isFalse();
    }

    /** A listener of ads on Product, started, whose handled events the list collects. */
    private static List<Event> listening(ReadmeSnippets.TestApp app) {
        List<Event> handled = new CopyOnWriteArrayList<>();
        Listener ads = app.eventsource().listener(ADS);
        ads.listen("Product", "projections").onAny(handled::add);
        ads.start();
        app.clock().advanceBy(Duration.ofSeconds(1));
        return handled;
    }
}
