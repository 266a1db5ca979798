package io.eventsource.examples.readme;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.core.Publication;
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
import io.eventsource.examples.DaggerRealServicesComposition;
import io.eventsource.examples.RealServicesComposition;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Every {@code java} block of the README, as code that compiles here, between two marker lines: {@code // README:
 * <heading>} opens the block that follows that README heading (its text without the {@code #}s; a second block under
 * the same heading is {@code <heading> (2)}), {@code // README: end} closes it. {@link ReadmeJavaBlocksTest} checks
 * that each README block is its region, line for line (the region's common indentation removed), and that no block
 * or region is without the other. {@link ReadmeSnippetsTest} runs those that run in memory and checks what the README
 * says about them.
 *
 * <p>To add a README block: write it as a region named after its heading, here or in another file of this package
 * (every {@code .java} file here is read: {@code ComposeSnippets}, {@code InMemorySnippets}, {@code RepositorySnippets},
 * {@code OrderFlowTest}, one per section), in a method or type of its own, with what it uses but does not show (a
 * runtime or ports made earlier, the reader's own classes) declared around the region, as parameters, fields or
 * classes; then paste the region into the README. The build compiles it with every module on the class path; for a
 * block that needs another module or library (the Jackson serializer, say), add it to this module's test
 * dependencies. Where the block runs in memory, check what the README says of it in {@link ReadmeSnippetsTest}. A
 * block that cannot compile as the README shows it is listed, with the reason, in
 * {@link ReadmeJavaBlocksTest#NOT_YET_CHECKED} until its text is fixed. Only {@code java} blocks are checked
 * ({@code xml}, {@code sh} and others are not). Changing a block is changing its region, then copying it.
 */
final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    /** What the Publish block published, on the runtime it built. */
    record Published(Eventsource eventsource, AggregateRef product, Publication sent, Publication appended,
                     Publication retried) {
    }

    /** The Publish block, on ports made earlier (the README's "Compose with Dagger" shows how). */
    static Published publish(EventLog log, AckStore acks, MessageBus bus, ServiceRegistry registry) {
        // README: Publish
        Eventsource eventsource = Eventsource.builder()   // or a Dagger component: see "Compose with Dagger"
                .eventLog(log).ackStore(acks).messageBus(bus).serviceRegistry(registry)
                .build();
        Publisher publisher = eventsource.publisher();

        AggregateRef product = AggregateRef.of("Product", "42");
        Publication sent = publisher.publish(product, EventName.of("PriceChanged"), Payload.json("{\"price\":1299}"));

        // events made by you: the id you choose is what lets a retried publish be recognised
        NewEvent renamed = new NewEvent(EventId.random(), EventName.of("Renamed"), Payload.json("{\"name\":\"Desk lamp\"}"),
                Map.of("correlation", "order-7"), Instant.now());
        NewEvent restocked = new NewEvent(EventId.random(), EventName.of("Restocked"), Payload.json("{\"stock\":40}"),
                Map.of(), Instant.now());

        // several events of one aggregate, atomically, with optimistic concurrency:
        // a ConcurrencyConflictException means nothing was written
        Publication appended = publisher.publish(product, ExpectedVersion.exactly(1), List.of(renamed, restocked));

        // the same events again, as after a timeout: nothing is appended twice, the stored events come back
        Publication retried = publisher.publish(product, ExpectedVersion.exactly(1), List.of(renamed, restocked));
        // README: end
        return new Published(eventsource, product, sent, appended, retried);
    }

    /** The reader's own read model, which the Listen block updates. */
    interface Prices {
        void update(Event event);
    }

    /** The reader's own audit trail, which the Listen block writes. */
    interface Audit {
        void log(Event event);
    }

    /**
     * The Listen block, on a runtime made earlier. It closes right after it starts: run on a virtual clock, it shows
     * that the listener consumes its announcement queue and that closing an idle one returns; the core's tests cover
     * the handling.
     */
    static void listen(Eventsource eventsource, Prices prices, Audit audit) {
        // README: Listen
        Listener ads = eventsource.listener(ServiceName.of("ads"));
        ads.listen("Product", "projections")
           .on("PriceChanged", event -> prices.update(event))
           .onAny(event -> audit.log(event));
        ads.start();   // registers and heart-beats the binding, consumes ProductAggregateIds-ads
        // ...
        ads.close();   // graceful: the event in progress finishes, its acks are recorded, a sweep in progress ends
        // README: end
    }

    /** Compiled, not run here: it needs the real services ({@code RealServicesIT} runs this composition). */
    static RealServicesComposition onTheRealServices() {
        // README: Run it on RabbitMQ, Redis and MySQL
        RealServicesComposition real = DaggerRealServicesComposition.factory().create(ExpiryPolicy.seed(),
                EventsourceOptions.defaults(), RabbitMqSettings.fromEnvironment(), RedisSettings.fromEnvironment(),
                MySqlSettings.fromEnvironment());
        // README: end
        return real;
    }
}
