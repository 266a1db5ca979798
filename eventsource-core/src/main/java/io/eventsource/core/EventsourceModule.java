package io.eventsource.core;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Provides the runtime from the ports, the {@link ExpiryPolicy} and the {@link Scheduler} that the rest of the
 * component binds (an adapter module per port, the policy with {@code @BindsInstance}). Bind an
 * {@link EventsourceOptions} in the component to change the defaults, and list a serializer module (such as
 * {@code JacksonModule}) for the typed API. The component must be {@code @Singleton}.
 */
@Module
public abstract class EventsourceModule {

    private EventsourceModule() {
    }

    /** Optional: a component may bind its own options; without, {@link EventsourceOptions#defaults()}. */
    @BindsOptionalOf
    abstract EventsourceOptions optionalOptions();

    /**
     * Optional: a serializer module ({@code JacksonModule}) binds one for the typed API; without, the runtime speaks
     * the byte API only and refuses typed events with an {@link IllegalStateException} that says so.
     */
    @BindsOptionalOf
    abstract EventSerializer optionalSerializer();

    @Provides
    @Singleton
    static Eventsource eventsource(EventLog log, AckStore acks, ServiceRegistry registry, MessageBus bus,
                                   Scheduler scheduler, ExpiryPolicy expiry, Optional<EventsourceOptions> options,
                                   Optional<EventSerializer> serializer) {
        EventsourceOptions chosen = options.orElseGet(EventsourceOptions::defaults);
        return serializer.isPresent()
                ? new Eventsource(log, acks, registry, bus, scheduler, expiry, chosen, serializer.get())
                : new Eventsource(log, acks, registry, bus, scheduler, expiry, chosen);
    }

    @Provides
    static Publisher publisher(Eventsource eventsource) {
        return eventsource.publisher();
    }
}
