package io.eventsource.micrometer;

import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceMetrics;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.FailurePolicy;
import io.eventsource.core.Listener;
import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.MessageBus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerMetricsTest {
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final AggregateRef CART = AggregateRef.of("Cart", "7");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final String[] BINDING = {"type", "Product", "service", "ads", "projection", "projections"};
    private static final String[] ADS_ON_PRODUCT = {"type", "Product", "service", "ads"};

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> handled = new ArrayList<>();

    private MeteredSystem system(EventsourceOptions options) {
        return DaggerMeteredSystem.factory().create(ExpiryPolicy.seed(), options, registry);
    }

    private Listener listen(Eventsource eventsource) {
        Listener ads = eventsource.listener(ADS);
        ads.listen("Product", "projections")
                .on("Created", event -> handled.add("Created#" + event.sequence()))
                .on("Broken", event -> {
                    throw new IllegalStateException("this handler always fails");
                });
        ads.start();
        return ads;
    }

    @Test
    void countsEachStageOfAPublishADeliveryAndAFailingHandler() {
        // the seed's policy: three attempts, 200 ms then 400 ms apart, then a failed ack and on; batches linger 50 ms
        EventsourceOptions options = EventsourceOptions.defaults().withPublishBatching(500, Duration.ofMillis(50));
        MeteredSystem system = system(options);
        Eventsource eventsource = system.eventsource();
        Listener ads = listen(eventsource);
        Publisher publisher = eventsource.publisher();

        // handed to a batch that starts after its linger: 50 ms from call to completion
        publisher.publishAsync(P1, EventName.of("Created"), Payload.text("a"));
        system.clock().advanceBy(Duration.ofMillis(50));
        system.clock().advanceBy(Duration.ofMillis(100));
        // nothing in flight: runs on this thread at once
        publisher.publish(P1, EventName.of("Broken"), Payload.text("b"));
        system.clock().advanceBy(Duration.ofSeconds(1));
        // not an event of the log: dropped unhandled
        Event forged = new Event(EventId.of("forged"), P1, 3, EventName.of("Created"), Payload.text("x"), Map.of(),
                system.clock().instant());
        MessageBus raw = system.broker().connect();
        raw.publish(P1, List.of(forged));
        system.clock().advanceBy(Duration.ofMillis(100));

        assertThat(handled).containsExactly("Created#1");
        assertThat(counter("eventsource.events.published", "type", "Product", "outcome", "sent")).isEqualTo(2);
        Timer latency = registry.get("eventsource.publish.latency").tags("type", "Product", "outcome", "sent").timer();
        assertThat(latency.count()).isEqualTo(2);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(50);
        assertThat(counter("eventsource.routes.declared", "type", "Product")).as("declared once, then cached")
                .isEqualTo(1);
        assertThat(counter("eventsource.deliveries", ADS_ON_PRODUCT)).as("two events and the forged message")
                .isEqualTo(3);
        assertThat(counter("eventsource.deliveries.refused", ADS_ON_PRODUCT)).isEqualTo(1);
        assertThat(ads.refusedDeliveries()).isEqualTo(1);
        Timer handler = registry.get("eventsource.handler.duration").tags(BINDING).timer();
        assertThat(handler.count()).as("Created once, Broken three times").isEqualTo(4);
        assertThat(handler.totalTime(TimeUnit.NANOSECONDS)).as("the handlers take no virtual time").isZero();
        assertThat(counter("eventsource.handler.retries", BINDING)).isEqualTo(2);
        assertThat(counter("eventsource.acks", with(BINDING, "status", "ok"))).isEqualTo(1);
        assertThat(counter("eventsource.acks", with(BINDING, "status", "fail"))).isEqualTo(1);
        assertThat(counter("eventsource.aggregates.parked", BINDING)).as("the seed's policy goes on").isZero();
        assertThat(counter("eventsource.sweeper.redrives", ADS_ON_PRODUCT)).as("nothing is missing").isZero();
        assertThat(gauge("eventsource.consumers.active", "service", "ads")).isEqualTo(1);

        // idle for 5 s: the consumer is cancelled; meanwhile the relay ran and found everything published
        system.clock().advanceBy(Duration.ofSeconds(6));
        assertThat(gauge("eventsource.consumers.active", "service", "ads")).isZero();
        assertThat(gauge("eventsource.relay.backlog")).isZero();
        eventsource.stop();
    }

    @Test
    void countsARouteRenewedPastItsCacheTtlApartFromItsDeclaration() {
        MeteredSystem system = system(EventsourceOptions.defaults());
        Eventsource eventsource = system.eventsource();
        listen(eventsource);
        Publisher publisher = eventsource.publisher();
        publisher.publish(P1, EventName.of("Created"), Payload.text("a"));

        // past the route cache TTL (a third of the 30 s expiry), well within the expiry: renewed, not declared
        system.clock().advanceBy(ExpiryPolicy.seed().routeCacheTtl().plusSeconds(1));
        publisher.publish(P1, EventName.of("Created"), Payload.text("b"));
        system.clock().advanceBy(Duration.ofMillis(100));

        assertThat(counter("eventsource.routes.declared", "type", "Product")).isEqualTo(1);
        assertThat(counter("eventsource.routes.renewed", "type", "Product")).isEqualTo(1);
        assertThat(handled).containsExactly("Created#1", "Created#2");
    }

    @Test
    void countsAnAggregateParkedByAFailedAckAndOneReDrivenByTheSweeper() {
        MeteredSystem system = system(EventsourceOptions.defaults()
                .withFailurePolicy(FailurePolicy.park().withMaxAttempts(1)));
        Eventsource eventsource = system.eventsource();
        listen(eventsource);
        Publisher publisher = eventsource.publisher();
        publisher.publish(P1, EventName.of("Broken"), Payload.text("b"));
        system.clock().advanceBy(Duration.ofSeconds(1));
        // in the log and marked published, but never sent: only the sweeper brings it
        AggregateRef p2 = AggregateRef.of("Product", "2");
        List<LoggedEvent> stranded = system.eventLog().append(p2, ExpectedVersion.ANY, List.of(new NewEvent(
                EventId.random(), EventName.of("Created"), Payload.text("c"), Map.of(), system.clock().instant())));
        system.eventLog().markPublished(List.of(stranded.get(0).event().id()), system.clock().instant());
        // past the sweeper's grace period (10 s) and its next run (every 5 s)
        system.clock().advanceBy(Duration.ofSeconds(20));

        assertThat(handled).containsExactly("Created#1");
        assertThat(counter("eventsource.acks", with(BINDING, "status", "fail"))).isEqualTo(1);
        assertThat(counter("eventsource.aggregates.parked", BINDING)).isEqualTo(1);
        assertThat(counter("eventsource.handler.retries", BINDING)).as("one attempt only").isZero();
        assertThat(counter("eventsource.sweeper.redrives", ADS_ON_PRODUCT)).isEqualTo(1);
        assertThat(counter("eventsource.acks", with(BINDING, "status", "ok"))).isEqualTo(1);
        eventsource.stop();
    }

    @Test
    void gaugesEachBindingsLagAndTheAgeOfItsOldestUnackedEventAfterEachSweep() {
        // the sweeper runs every 5 s and re-drives what is missing 10 s after it occurred
        MeteredSystem system = system(EventsourceOptions.defaults());
        Eventsource eventsource = system.eventsource();
        listen(eventsource);
        // position 1 at 0 s: handled and acked at once
        eventsource.publisher().publish(P1, EventName.of("Created"), Payload.text("a"));
        system.clock().advanceBy(Duration.ofSeconds(1));
        // position 2 at 1 s: in the log and marked published, but never sent, so never acked until re-driven
        AggregateRef p2 = AggregateRef.of("Product", "2");
        List<LoggedEvent> stranded = system.eventLog().append(p2, ExpectedVersion.ANY, List.of(new NewEvent(
                EventId.random(), EventName.of("Created"), Payload.text("c"), Map.of(), system.clock().instant())));
        system.clock().advanceBy(Duration.ofSeconds(1));
        system.eventLog().markPublished(List.of(stranded.get(0).event().id()), system.clock().instant());
        // a Cart's event moves the whole log's position, not Product's newest
        eventsource.publisher().publish(CART, EventName.of("Opened"), Payload.text("c"));

        // the runs at 5 s and 10 s: nothing is past the grace period, so the checkpoint stays at 0
        system.clock().advanceBy(Duration.ofSeconds(8));
        TimeGauge age = registry.get("eventsource.binding.lag.age").tags(BINDING).timeGauge();
        assertThat(gauge("eventsource.binding.lag", BINDING)).as("newest Product position 2, checkpoint 0")
                .isEqualTo(2);
        assertThat(age.value(TimeUnit.SECONDS)).as("position 2 occurred at 1 s").isEqualTo(9);

        // the run at 15 s: position 1 is acked and due, so the checkpoint passes it; position 2 is re-driven
        system.clock().advanceBy(Duration.ofSeconds(5));
        assertThat(gauge("eventsource.binding.lag", BINDING)).isEqualTo(1);
        assertThat(age.value(TimeUnit.SECONDS)).isEqualTo(14);

        // the run at 20 s: the re-driven event was handled, the checkpoint passes it
        system.clock().advanceBy(Duration.ofSeconds(5));
        assertThat(handled).containsExactly("Created#1", "Created#1");
        assertThat(gauge("eventsource.binding.lag", BINDING)).isZero();
        assertThat(age.value(TimeUnit.SECONDS)).isZero();
        eventsource.stop();
    }

    @Test
    void gaugesTheRelaysBacklogAndItsAgeFromItsLastRun() {
        // relay every 2 s (the defaults), for events unpublished 3 s after they occurred
        MeteredSystem system = system(EventsourceOptions.defaults());
        Eventsource eventsource = system.eventsource();
        // no service listens to carts: appended, left to the relay
        eventsource.publisher().publish(CART, EventName.of("Opened"), Payload.text("c"));

        assertThat(counter("eventsource.events.published", "type", "Cart", "outcome", "pending")).isEqualTo(1);
        assertThat(registry.get("eventsource.publish.latency").tags("type", "Cart", "outcome", "pending").timer()
                .count()).isEqualTo(1);
        // the run at 2 s finds nothing due yet; the run at 4 s finds the event, with no live service to send it to
        system.clock().advanceBy(Duration.ofSeconds(4));
        assertThat(gauge("eventsource.relay.backlog")).isEqualTo(1);
        TimeGauge age = registry.get("eventsource.relay.backlog.age").timeGauge();
        assertThat(age.value(TimeUnit.SECONDS)).isEqualTo(4);
        system.clock().advanceBy(Duration.ofSeconds(2));
        assertThat(age.value(TimeUnit.SECONDS)).isEqualTo(6);
        eventsource.stop();
    }

    @Test
    void reportsNothingWithoutARegistry() {
        EventsourceMetrics metrics = DaggerMeteredSystem_Unmetered.factory().create(ExpiryPolicy.seed()).metrics();

        assertThat(metrics).isSameAs(EventsourceMetrics.NONE);
    }

    @Test
    void reportsThroughTheBuilderToo() {
        MeteredSystem ports = DaggerMeteredSystem.factory().create(ExpiryPolicy.seed(), EventsourceOptions.defaults(),
                new SimpleMeterRegistry());
        Eventsource eventsource = Eventsource.builder()
                .eventLog(ports.eventLog()).ackStore(ports.ackStore()).messageBus(ports.bus())
                .serviceRegistry(ports.registry()).scheduler(ports.clock())
                .metrics(MicrometerModule.metrics(registry))
                .build();

        eventsource.publisher().publish(CART, EventName.of("Opened"), Payload.text("c"));

        assertThat(counter("eventsource.events.published", "type", "Cart", "outcome", "pending")).isEqualTo(1);
        eventsource.stop();
    }

    private double counter(String name, String... tags) {
        Counter counter = registry.get(name).tags(tags).counter();
        return counter.count();
    }

    private double gauge(String name, String... tags) {
        Gauge gauge = registry.get(name).tags(tags).gauge();
        return gauge.value();
    }

    private static String[] with(String[] tags, String key, String value) {
        String[] all = new String[tags.length + 2];
        System.arraycopy(tags, 0, all, 0, tags.length);
        all[tags.length] = key;
        all[tags.length + 1] = value;
        return all;
    }
}
