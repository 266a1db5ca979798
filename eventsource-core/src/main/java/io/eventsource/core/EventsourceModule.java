package io.eventsource.core;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Provides the runtime from the ports, the {@link ExpiryPolicy} and the {@link Scheduler} that the rest of the
 * component binds (an adapter module per port, {@link RealTimeModule} or a virtual clock, the policy with
 * {@code @BindsInstance}). Bind an {@link EventsourceOptions} in the component to change the defaults, and list a
 * serializer module (such as {@code JacksonModule}) for the typed API, and a metrics module (such as
 * {@code MicrometerModule}) for the runtime's meters, and a tracing module (such as {@code OpenTelemetryModule})
 * for traces from producer to handler. The component must be {@code @Singleton}. The
 * runtime is the one {@link Eventsource#builder()} builds from the same parts.
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

    /**
     * Optional: a metrics module ({@code MicrometerModule} of {@code eventsource-micrometer}) binds what the runtime
     * reports to; without, it reports nothing ({@link EventsourceMetrics#NONE}).
     */
    @BindsOptionalOf
    abstract EventsourceMetrics optionalMetrics();

    /**
     * Optional: an adapter's checkpoint module ({@code MySqlCheckpointStoreModule}, part of {@code MySqlModule})
     * binds where the sweepers keep their checkpoints; without, they keep them in memory only.
     */
    @BindsOptionalOf
    abstract CheckpointStore optionalCheckpoints();

    /**
     * Optional: a tracing module ({@code OpenTelemetryModule} of {@code eventsource-opentelemetry}) binds how traces
     * cross from the producer to the handlers; without, none is captured or made current
     * ({@link EventTracing#NONE}).
     */
    @BindsOptionalOf
    abstract EventTracing optionalTracing();

    @Provides
    @Singleton
    static Eventsource eventsource(EventLog log, AckStore acks, ServiceRegistry registry, MessageBus bus,
                                   Scheduler scheduler, ExpiryPolicy expiry, Optional<EventsourceOptions> options,
                                   Optional<EventSerializer> serializer, Optional<EventsourceMetrics> metrics,
                                   Optional<CheckpointStore> checkpoints, Optional<EventTracing> tracing) {
        // the builder is the one place that makes a runtime and knows its defaults
        EventsourceBuilder builder = Eventsource.builder().eventLog(log).ackStore(acks).serviceRegistry(registry)
                .messageBus(bus).scheduler(scheduler).expiry(expiry);
        options.ifPresent(builder::options);
        serializer.ifPresent(builder::serializer);
        metrics.ifPresent(builder::metrics);
        checkpoints.ifPresent(builder::checkpoints);
        tracing.ifPresent(builder::tracing);
        return builder.build();
    }

    @Provides
    static Publisher publisher(Eventsource eventsource) {
        return eventsource.publisher();
    }
}
