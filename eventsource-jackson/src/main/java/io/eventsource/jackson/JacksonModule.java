package io.eventsource.jackson;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.EventSerializer;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Binds the {@link EventSerializer} on Jackson, for the core's typed API ({@code publisher.publish(aggregate, new
 * OrderPaid(...))}, {@code binding.on(OrderPaid.class, ...)}): list it beside {@code EventsourceModule} in the
 * component. A component may bind a {@link JacksonSettings} (with {@code @BindsInstance}) for its own mapper and
 * upcasters; without one, {@link JacksonSettings#defaults()}. The component must be {@code @Singleton}.
 */
@Module
public abstract class JacksonModule {

    private JacksonModule() {
    }

    /** Optional: a component may bind its own settings; without, {@link JacksonSettings#defaults()}. */
    @BindsOptionalOf
    abstract JacksonSettings optionalSettings();

    @Provides
    @Singleton
    static EventSerializer eventSerializer(Optional<JacksonSettings> settings) {
        return serializer(settings.orElseGet(JacksonSettings::defaults));
    }

    /**
     * The serializer on these settings, where no component is composed (a script, a test, a tool that writes
     * events through the byte API with fixed ids). Thread-safe.
     */
    public static EventSerializer serializer(JacksonSettings settings) {
        return new JacksonEventSerializer(settings);
    }
}
