package io.eventsource.examples.readme;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
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
import io.eventsource.examples.DaggerInMemoryComposition;
import io.eventsource.examples.DaggerRealServicesComposition;
import io.eventsource.examples.RealServicesComposition;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

import java.time.Duration;
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
 * <p>To add a README block (a section such as "Typed events", "Test with the test kit" or "Event-sourced
 * repository"): write it as a region named after its heading, here or in another file of this package (every
 * {@code .java} file here is read), in a method or type of its own, with what it uses but does not show (a runtime
 * made earlier, the reader's own projection objects) declared around the region, as parameters or fields; then paste
 * the region into the README. The build compiles it with every module on the class path; for a block that needs another
 * module or library (a Jackson serializer, a test kit), add it to this module's test dependencies. Where the block
 * runs in memory, check what the README says of it in {@link ReadmeSnippetsTest}. Only {@code java} blocks are
 * checked ({@code xml}, {@code sh} and others are not). Changing a block is changing its region, then copying it.
 */
final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    /** What the Publish block published. */
    record Published(Eventsource eventsource, AggregateRef product, Publication sent, Publication appended,
                     Publication retried) {
    }

    static Published publish() {
        // README: Publish
        Eventsource eventsource = DaggerInMemoryComposition.factory().create(ExpiryPolicy.seed()).eventsource();
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
     * The Listen block, on a runtime made earlier. It closes right after it starts: run on a virtual clock, it can show
     * that the binding is registered and that closing an idle listener returns; the core's tests cover the handling.
     */
    static void listen(Eventsource eventsource, Prices prices, Audit audit) {
        // README: Listen
        Listener ads = eventsource.listener(ServiceName.of("ads"));
        ads.listen("Product", "projections")
           .on("PriceChanged", event -> prices.update(event))
           .onAny(event -> audit.log(event));
        ads.start();   // registers and heart-beats the binding, consumes ProductAggregateIds-ads
        // ...
        ads.close();   // graceful: the event in progress finishes, its acks are recorded
        // README: end
    }

    // README: Compose with Dagger
    @Singleton
    @Component(modules = {EventsourceModule.class, InMemoryModule.class})
    interface App {
        Eventsource eventsource();

        @Component.Factory
        interface Factory {
            App create(@BindsInstance ExpiryPolicy expiry);
        }
    }
    // README: end

    /** A test component as the in-memory block asks for: the runtime, with the clock and the broker exposed. */
    @Singleton
    @Component(modules = {EventsourceModule.class, InMemoryModule.class})
    interface TestApp {
        Eventsource eventsource();

        VirtualScheduler clock();

        InMemoryBroker broker();

        /** For the tests: who registered which binding. */
        ServiceRegistry registry();

        @Component.Factory
        interface Factory {
            TestApp create(@BindsInstance ExpiryPolicy expiry);
        }
    }

    static void inAUnitTest(TestApp app, Eventsource eventsource, AggregateRef product) {
        // README: The in-memory adapter in a unit test
        VirtualScheduler clock = app.clock();
        eventsource.publisher().publish(product, EventName.of("ProductCreated"), Payload.json("{}"));
        clock.advanceBy(Duration.ofSeconds(1));          // deliveries, acks and retries run on the virtual clock
        clock.advanceBy(Duration.ofSeconds(36));         // consumer idle 5 s, then queue unused 30 s: the route is gone
        MessageBus secondInstance = app.broker().connect();
        app.broker().crash(secondInstance);              // an instance dies without a goodbye
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
