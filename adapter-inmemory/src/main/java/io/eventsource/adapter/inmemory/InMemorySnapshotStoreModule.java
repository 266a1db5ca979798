package io.eventsource.adapter.inmemory;

import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.SnapshotStore;
import jakarta.inject.Singleton;

/**
 * Snapshots in memory for a Dagger component: one {@link SnapshotStore}, empty at first, kept for as long as the
 * component lives. It needs nothing else from the component: usable alone, with any other adapters.
 */
@Module
public abstract class InMemorySnapshotStoreModule {

    private InMemorySnapshotStoreModule() {
    }

    /**
     * A new, empty snapshot store in memory, thread-safe, passing the TCK's {@code SnapshotStoreContract}. The
     * component calls it once; without Dagger, call it for {@code AggregateRepository.withSnapshots(...)} (each call
     * makes another store).
     */
    @Provides
    @Singleton
    public static SnapshotStore snapshotStore() {
        return new InMemorySnapshotStore();
    }
}
