package io.eventsource.adapter.inmemory;

import io.eventsource.ports.AckStore;
import io.eventsource.tck.AckStoreContract;

class InMemoryAckStoreTest extends AckStoreContract {
    @Override
    protected AckStore newAckStore() {
        return new InMemoryAckStore();
    }
}
