package io.eventsource.testkit;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.SnapshotStore;
import jakarta.inject.Singleton;

/**
 * The kit's composition: every port in memory, on one virtual clock. The producer's runtime is built on its
 * {@link #bus()} connection; each service instance a test starts is a runtime of its own on the same stores and
 * broker, with a connection of its own (see {@link Stack}).
 */
@Singleton
@Component(modules = InMemoryModule.class)
interface KitComponent {

    /** The producer's connection. */
    MessageBus bus();

    VirtualScheduler clock();

    InMemoryBroker broker();

    EventLog eventLog();

    AckStore ackStore();

    ServiceRegistry registry();

    SnapshotStore snapshots();

    @Component.Factory
    interface Factory {
        KitComponent create(@BindsInstance ExpiryPolicy expiry);
    }
}
