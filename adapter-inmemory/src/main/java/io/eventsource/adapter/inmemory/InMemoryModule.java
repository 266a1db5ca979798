package io.eventsource.adapter.inmemory;

import dagger.Binds;
import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Every port in memory, for tests and the demo: a {@link VirtualScheduler} bound as the {@link Scheduler},
 * an {@link InMemoryBroker} on it with one connection bound as the {@link MessageBus}, and an in-memory
 * {@link EventLog}, {@link AckStore} and {@link ServiceRegistry}.
 *
 * <p>The component binds the {@link ExpiryPolicy} (with {@code @BindsInstance}) and is {@code @Singleton}, so
 * that everything it injects shares one clock, one broker and one set of stores. Expose
 * {@link VirtualScheduler} and {@link InMemoryBroker} from the component to move the clock, open more
 * connections (more service instances), crash them and look inside the broker.
 *
 * <p>The event log refuses payloads over {@link PayloadLimit#DEFAULT} (1 MiB), as the MySQL adapter does by default;
 * bind a {@link PayloadLimit} in the component (with {@code @BindsInstance}) to mirror another limit.
 */
@Module
public abstract class InMemoryModule {

    private InMemoryModule() {
    }

    @Binds
    abstract Scheduler scheduler(VirtualScheduler scheduler);

    @Provides
    @Singleton
    static VirtualScheduler virtualScheduler() {
        return new VirtualScheduler();
    }

    @Provides
    @Singleton
    static InMemoryBroker broker(VirtualScheduler scheduler, ExpiryPolicy policy) {
        return new InMemoryBroker(scheduler, policy);
    }

    @Provides
    @Singleton
    static MessageBus messageBus(InMemoryBroker broker) {
        return broker.connect();
    }

    /** Optional: a component may bind the event log's payload limit; without, {@link PayloadLimit#DEFAULT}. */
    @BindsOptionalOf
    abstract PayloadLimit optionalPayloadLimit();

    @Provides
    @Singleton
    static EventLog eventLog(Optional<PayloadLimit> limit) {
        return new InMemoryEventLog(limit.orElse(PayloadLimit.DEFAULT));
    }

    @Provides
    @Singleton
    static AckStore ackStore() {
        return new InMemoryAckStore();
    }

    @Provides
    @Singleton
    static ServiceRegistry serviceRegistry(ExpiryPolicy policy) {
        return new InMemoryServiceRegistry(policy);
    }
}
