package io.eventsource.micrometer;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceMetrics;
import io.eventsource.core.EventsourceModule;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** The in-memory stack on a virtual clock with the runtime's meters on a registry, composed as a user would. */
@Singleton
@Component(modules = {InMemoryModule.class, EventsourceModule.class, MicrometerModule.class})
interface MeteredSystem {

    Eventsource eventsource();

    VirtualScheduler clock();

    InMemoryBroker broker();

    EventLog eventLog();

    AckStore ackStore();

    MessageBus bus();

    ServiceRegistry registry();

    @Component.Factory
    interface Factory {
        MeteredSystem create(@BindsInstance ExpiryPolicy expiry, @BindsInstance EventsourceOptions options,
                             @BindsInstance MeterRegistry registry);
    }

    /** The same stack without a registry. */
    @Singleton
    @Component(modules = {InMemoryModule.class, EventsourceModule.class, MicrometerModule.class})
    interface Unmetered {
        EventsourceMetrics metrics();

        @Component.Factory
        interface Factory {
            Unmetered create(@BindsInstance ExpiryPolicy expiry);
        }
    }
}
