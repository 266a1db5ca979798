package io.eventsource.adapter.inmemory;

import dagger.Module;
import dagger.Provides;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

/**
 * The registry in memory for a Dagger component: one {@link ServiceRegistry}, empty at first, in which a service
 * is live while its last heartbeat is younger than the {@link ExpiryPolicy#livenessTtl() liveness TTL} of the
 * component's {@link ExpiryPolicy} (bound with {@code @BindsInstance}). It reads time only from the instants it
 * is given: usable alone, with any other adapters and any scheduler.
 */
@Module
public abstract class InMemoryServiceRegistryModule {

    private InMemoryServiceRegistryModule() {
    }

    /**
     * A new, empty registry in memory with the liveness TTL of {@code policy}, thread-safe, passing the TCK's
     * {@code ServiceRegistryContract}. The component calls it once; without Dagger, call it for
     * {@code Eventsource.builder().serviceRegistry(...)} with the runtime's policy (each call makes another
     * registry, so give every runtime that should see the same services the same one).
     */
    @Provides
    @Singleton
    public static ServiceRegistry serviceRegistry(ExpiryPolicy policy) {
        return new InMemoryServiceRegistry(policy);
    }
}
