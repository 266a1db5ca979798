package io.eventsource.examples;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.jackson.JacksonModule;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;

/**
 * The runtime on every port in memory, on a virtual clock: what a unit test or the demo composes. A
 * deployment lists the real adapters' modules instead of {@link InMemoryModule}; nothing else changes.
 * {@link JacksonModule} gives the runtime its typed API (events as records).
 *
 * <pre>{@code
 * InMemoryComposition composition = DaggerInMemoryComposition.factory().create(ExpiryPolicy.seed());
 * Eventsource eventsource = composition.eventsource();
 * }</pre>
 */
@Singleton
@Component(modules = {EventsourceModule.class, InMemoryModule.class, JacksonModule.class})
public interface InMemoryComposition {

    /** The runtime: its publisher and one listener per service. */
    Eventsource eventsource();

    /** The event log, to read what was published. */
    EventLog eventLog();

    /** The acks, to see what each binding handled. */
    AckStore ackStore();

    /** The virtual clock: advance it to let time pass. */
    VirtualScheduler scheduler();

    /** The simulated broker: more connections, crashes, a look inside. */
    InMemoryBroker broker();

    /** Creates the composition with its one {@link ExpiryPolicy}, shared by the adapters and the runtime. */
    @Component.Factory
    interface Factory {
        InMemoryComposition create(@BindsInstance ExpiryPolicy expiry);
    }
}
