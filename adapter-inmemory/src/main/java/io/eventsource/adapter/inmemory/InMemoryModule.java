package io.eventsource.adapter.inmemory;

import dagger.Module;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.SnapshotStore;

/**
 * Every port in memory, for tests and the demo: the seven modules of this adapter in one. A {@link VirtualScheduler}
 * bound as the {@link Scheduler} ({@link VirtualTimeModule}), an {@link InMemoryBroker} on it with one connection
 * bound as the {@link MessageBus} ({@link InMemoryMessageBusModule}), and an in-memory {@link EventLog}
 * ({@link InMemoryEventLogModule}), {@link AckStore} ({@link InMemoryAckStoreModule}), {@link ServiceRegistry}
 * ({@link InMemoryServiceRegistryModule}), {@link SnapshotStore} ({@link InMemorySnapshotStoreModule}) and
 * {@link CheckpointStore} ({@link InMemoryCheckpointStoreModule}).
 *
 * <p>The component binds the {@link ExpiryPolicy} (with {@code @BindsInstance}) and is {@code @Singleton}, so
 * that everything it injects shares one clock, one broker and one set of stores. Expose
 * {@link VirtualScheduler} and {@link InMemoryBroker} from the component to move the clock, open more
 * connections (more service instances), crash them and look inside the broker.
 *
 * <p>To keep some ports in memory and bring others of your own (your database's event log, real time), list
 * the modules of the ports you keep instead of this one: each is usable alone.
 */
@Module(includes = {VirtualTimeModule.class, InMemoryMessageBusModule.class, InMemoryEventLogModule.class,
        InMemoryAckStoreModule.class, InMemoryServiceRegistryModule.class, InMemorySnapshotStoreModule.class,
        InMemoryCheckpointStoreModule.class})
public abstract class InMemoryModule {

    private InMemoryModule() {
    }
}
