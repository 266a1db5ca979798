package io.eventsource.core;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.jackson.JacksonModule;
import io.eventsource.jackson.JacksonSettings;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;

/** Every port in memory and the Jackson serializer: the runtime with the typed API, as a user composes it. */
@Singleton
@Component(modules = {InMemoryModule.class, EventsourceModule.class, JacksonModule.class})
interface TypedInMemoryPorts {

    VirtualScheduler scheduler();

    EventLog eventLog();

    AckStore ackStore();

    Eventsource eventsource();

    @Component.Factory
    interface Factory {
        TypedInMemoryPorts create(@BindsInstance ExpiryPolicy expiry, @BindsInstance JacksonSettings json);
    }
}
