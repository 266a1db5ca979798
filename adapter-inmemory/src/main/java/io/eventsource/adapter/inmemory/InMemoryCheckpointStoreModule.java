package io.eventsource.adapter.inmemory;

import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.CheckpointStore;
import jakarta.inject.Singleton;

/**
 * The bindings' checkpoints in memory for a Dagger component: one {@link CheckpointStore}, empty at first. A
 * runtime made anew in the same component (a restarted listener) finds the checkpoints its predecessor saved. It
 * needs nothing else from the component: usable alone, with any other adapters.
 */
@Module
public abstract class InMemoryCheckpointStoreModule {

    private InMemoryCheckpointStoreModule() {
    }

    /**
     * A new, empty checkpoint store in memory, thread-safe, passing the TCK's {@code CheckpointStoreContract}. The
     * component calls it once; without Dagger, call it for {@code Eventsource.builder().checkpoints(...)} (each call
     * makes another store).
     */
    @Provides
    @Singleton
    public static CheckpointStore checkpointStore() {
        return new InMemoryCheckpointStore();
    }
}
