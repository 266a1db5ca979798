package io.eventsource.testkit;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.SnapshotStore;
import jakarta.inject.Singleton;

/**
 * The kit's composition: the runtime on every port in memory, on one virtual clock. Its {@link #eventsource()} is
 * the producer; each service instance a test starts is a runtime of its own on the same stores and broker, with a
 * connection of its own (see {@link Stack}).
 */
@Singleton
@Component(modules = {EventsourceModule.class, InMemoryModule.class})
interface KitComponent {

    Eventsource eventsource();

    VirtualScheduler clock();

    InMemoryBroker broker();

    EventLog eventLog();

    AckStore ackStore();

    ServiceRegistry registry();

    SnapshotStore snapshots();

    @Component.Factory
    interface Factory {
        KitComponent create(@BindsInstance ExpiryPolicy expiry, @BindsInstance EventsourceOptions options);
    }
}
