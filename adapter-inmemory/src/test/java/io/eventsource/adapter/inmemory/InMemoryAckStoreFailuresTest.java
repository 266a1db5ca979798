package io.eventsource.adapter.inmemory;

import io.eventsource.ports.AckStore;
import io.eventsource.tck.AckStoreFailuresContract;

class InMemoryAckStoreFailuresTest extends AckStoreFailuresContract {
    @Override
    protected AckStore newAckStore() {
        return new InMemoryAckStore();
    }
}
