package io.eventsource.adapter.inmemory;

import dagger.Module;
import dagger.Provides;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import jakarta.inject.Singleton;

/**
 * The simulated broker for a Dagger component: one {@link InMemoryBroker} and one connection to it bound as the
 * {@link MessageBus}. The broker runs its deliveries, expiries and idle cancellations on the component's
 * {@link Scheduler} and enforces the component's {@link ExpiryPolicy} (bound with {@code @BindsInstance}); with
 * {@link VirtualTimeModule} it moves only when the virtual clock does. The component is {@code @Singleton}.
 *
 * <p>Usable alone, with any event log, ack store, registry and scheduler. Expose {@code InMemoryBroker} from the
 * component to open more connections (more service instances), crash them and look inside the broker. Without
 * Dagger, {@code new InMemoryBroker(scheduler, expiry).connect()} makes the same bus.
 */
@Module
public abstract class InMemoryMessageBusModule {

    private InMemoryMessageBusModule() {
    }

    @Provides
    @Singleton
    static InMemoryBroker broker(Scheduler scheduler, ExpiryPolicy policy) {
        return new InMemoryBroker(scheduler, policy);
    }

    @Provides
    @Singleton
    static MessageBus messageBus(InMemoryBroker broker) {
        return broker.connect();
    }
}
