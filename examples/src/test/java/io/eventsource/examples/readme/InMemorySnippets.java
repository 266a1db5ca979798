package io.eventsource.examples.readme;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import io.eventsource.adapter.inmemory.InMemoryAckStoreModule;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryEventLogModule;
import io.eventsource.adapter.inmemory.InMemoryMessageBusModule;
import io.eventsource.adapter.inmemory.InMemoryServiceRegistryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.adapter.inmemory.VirtualTimeModule;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Payload;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.tck.ForwardingEventLog;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;

/** The blocks of the README's "The in-memory adapter in a unit test" (see {@link ReadmeSnippets} for the markers). */
final class InMemorySnippets {

    private InMemorySnippets() {
    }

    /** Stands in for the test's own event log of the first block. */
    static final class MyEventLog extends ForwardingEventLog {
        @Inject
        MyEventLog() {
            super(InMemoryEventLogModule.eventLog());
        }
    }

    /** The test's own module for its event log, as the first block lists it. */
    @Module
    interface MyEventLogModule {
        @Binds
        EventLog eventLog(MyEventLog log);
    }

    // README: The in-memory adapter in a unit test
    @Singleton
    @Component(modules = {EventsourceModule.class, InMemoryMessageBusModule.class, InMemoryServiceRegistryModule.class,
            InMemoryAckStoreModule.class, VirtualTimeModule.class, MyEventLogModule.class})
    interface TestApp {
        Eventsource eventsource();

        VirtualScheduler clock();

        InMemoryBroker broker();

        @Component.Factory
        interface Factory {
            TestApp create(@BindsInstance ExpiryPolicy expiry);
        }
    }
    // README: end

    /** What the second block made. */
    record WithoutDagger(Eventsource eventsource, VirtualScheduler clock, InMemoryBroker broker) {
    }

    static WithoutDagger withoutDagger(EventLog myEventLog) {
        // README: The in-memory adapter in a unit test (2)
        ExpiryPolicy expiry = ExpiryPolicy.seed();
        VirtualScheduler clock = new VirtualScheduler();
        InMemoryBroker broker = new InMemoryBroker(clock, expiry);
        Eventsource eventsource = Eventsource.builder()
                .eventLog(myEventLog)                                        // or InMemoryEventLogModule.eventLog()
                .ackStore(InMemoryAckStoreModule.ackStore())
                .messageBus(broker.connect())
                .serviceRegistry(InMemoryServiceRegistryModule.serviceRegistry(expiry))
                .scheduler(clock)
                .expiry(expiry)
                .build();
        // README: end
        return new WithoutDagger(eventsource, clock, broker);
    }

    /** The third block, on what either of the first two made. */
    static void moveTime(Eventsource eventsource, VirtualScheduler clock, InMemoryBroker broker, AggregateRef product) {
        // README: The in-memory adapter in a unit test (3)
        eventsource.publisher().publish(product, EventName.of("ProductCreated"), Payload.json("{}"));
        clock.advanceBy(Duration.ofSeconds(1));          // deliveries, acks and retries run on the virtual clock
        clock.advanceBy(Duration.ofSeconds(36));         // consumer idle 5 s, then queue unused 30 s: the route is gone
        MessageBus secondInstance = broker.connect();
        broker.crash(secondInstance);                    // an instance dies without a goodbye
        // README: end
    }
}
