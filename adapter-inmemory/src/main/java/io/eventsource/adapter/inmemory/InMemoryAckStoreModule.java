package io.eventsource.adapter.inmemory;

import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.AckStore;
import jakarta.inject.Singleton;

/**
 * The acks in memory for a Dagger component: one {@link AckStore}, empty at first, in which an ack is durable as
 * soon as it is recorded. It needs nothing else from the component: usable alone, with any other adapters.
 */
@Module
public abstract class InMemoryAckStoreModule {

    private InMemoryAckStoreModule() {
    }

    /**
     * A new, empty ack store in memory, thread-safe, passing the TCK's {@code AckStoreContract}. The component
     * calls it once; without Dagger, call it for {@code Eventsource.builder().ackStore(...)} (each call makes
     * another store).
     */
    @Provides
    @Singleton
    public static AckStore ackStore() {
        return new InMemoryAckStore();
    }
}
