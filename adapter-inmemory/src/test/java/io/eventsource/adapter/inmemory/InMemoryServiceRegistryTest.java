package io.eventsource.adapter.inmemory;

import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.tck.ServiceRegistryContract;

class InMemoryServiceRegistryTest extends ServiceRegistryContract {
    private InMemoryServiceRegistry registry;

    @Override
    protected ServiceRegistry newRegistry() {
        registry = new InMemoryServiceRegistry(expiryPolicy());
        return registry;
    }

    @Override
    protected ExpiryPolicy expiryPolicy() {
        return ExpiryPolicy.SEED;
    }

    @Override
    protected void loseAllState() {
        registry.loseAllState();
    }
}
