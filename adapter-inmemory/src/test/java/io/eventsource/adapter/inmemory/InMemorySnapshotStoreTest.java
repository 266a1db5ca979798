package io.eventsource.adapter.inmemory;

import io.eventsource.ports.SnapshotStore;
import io.eventsource.tck.SnapshotStoreContract;

class InMemorySnapshotStoreTest extends SnapshotStoreContract {
    @Override
    protected SnapshotStore newSnapshotStore() {
        return new InMemorySnapshotStore();
    }
}
