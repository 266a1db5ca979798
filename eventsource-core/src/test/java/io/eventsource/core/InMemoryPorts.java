package io.eventsource.core;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.SnapshotStore;
import jakarta.inject.Singleton;

/** Every port in memory on one virtual clock, for core's tests: one broker, one set of stores. */
@Singleton
@Component(modules = {InMemoryModule.class, EventsourceModule.class})
interface InMemoryPorts {

    static InMemoryPorts create() {
        return DaggerInMemoryPorts.factory().create(ExpiryPolicy.seed());
    }

    VirtualScheduler scheduler();

    InMemoryBroker broker();

    /** The component's own connection. */
    MessageBus bus();

    EventLog eventLog();

    AckStore ackStore();

    ServiceRegistry registry();

    SnapshotStore snapshots();

    CheckpointStore checkpoints();

    /** The runtime of the component's connection, as a user's composition provides it. */
    Eventsource eventsource();

    ExpiryPolicy expiry();

    @Component.Factory
    interface Factory {
        InMemoryPorts create(@BindsInstance ExpiryPolicy expiry);
    }
}
