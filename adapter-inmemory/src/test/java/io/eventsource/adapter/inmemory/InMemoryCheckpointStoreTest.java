package io.eventsource.adapter.inmemory;

import io.eventsource.ports.CheckpointStore;
import io.eventsource.tck.CheckpointStoreContract;

class InMemoryCheckpointStoreTest extends CheckpointStoreContract {
    @Override
    protected CheckpointStore newCheckpointStore() {
        return new InMemoryCheckpointStore();
    }
}
