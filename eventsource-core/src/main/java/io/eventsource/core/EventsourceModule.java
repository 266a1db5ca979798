package io.eventsource.core;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Provides the runtime from the ports, the {@link ExpiryPolicy} and the {@link Scheduler} that the rest of the
 * component binds (an adapter module per port, {@link RealTimeModule} or a virtual clock, the policy with
 * {@code @BindsInstance}). Bind an {@link EventsourceOptions} in the component to change the defaults. The
 * component must be {@code @Singleton}. The runtime is the one {@link Eventsource#builder()} builds from the same
 * parts.
 */
@Module
public abstract class EventsourceModule {

    private EventsourceModule() {
    }

    /** Optional: a component may bind its own options; without, {@link EventsourceOptions#defaults()}. */
    @BindsOptionalOf
    abstract EventsourceOptions optionalOptions();

    @Provides
    @Singleton
    static Eventsource eventsource(EventLog log, AckStore acks, ServiceRegistry registry, MessageBus bus,
                                   Scheduler scheduler, ExpiryPolicy expiry, Optional<EventsourceOptions> options) {
        // the builder is the one place that makes a runtime and knows its defaults
        EventsourceBuilder builder = Eventsource.builder().eventLog(log).ackStore(acks).serviceRegistry(registry)
                .messageBus(bus).scheduler(scheduler).expiry(expiry);
        options.ifPresent(builder::options);
        return builder.build();
    }

    @Provides
    static Publisher publisher(Eventsource eventsource) {
        return eventsource.publisher();
    }
}
