package io.eventsource.micrometer;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.eventsource.core.EventsourceMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.Objects;
import java.util.Optional;

/**
 * Binds the runtime's {@link EventsourceMetrics} on the component's Micrometer {@link MeterRegistry}: list it beside
 * {@code EventsourceModule} and bind a registry (with {@code @BindsInstance}, or a {@code @Provides} of the
 * application). Without a registry in the component, the runtime reports nothing ({@link EventsourceMetrics#NONE}).
 * The component must be {@code @Singleton}.
 *
 * <p>The meters, all named {@code eventsource.*}, are listed in the README's "Operate it" section:
 * {@code eventsource.events.published}, {@code eventsource.publish.latency}, {@code eventsource.routes.declared},
 * {@code eventsource.relay.backlog}, {@code eventsource.relay.backlog.age}, {@code eventsource.deliveries},
 * {@code eventsource.deliveries.refused}, {@code eventsource.handler.duration}, {@code eventsource.handler.retries},
 * {@code eventsource.acks}, {@code eventsource.aggregates.parked}, {@code eventsource.sweeper.redrives},
 * {@code eventsource.binding.lag}, {@code eventsource.binding.lag.age} and {@code eventsource.consumers.active}.
 */
@Module
public abstract class MicrometerModule {

    private MicrometerModule() {
    }

    /** Optional: the application's registry; without one, nothing is reported. */
    @BindsOptionalOf
    abstract MeterRegistry optionalRegistry();

    @Provides
    @Singleton
    static EventsourceMetrics eventsourceMetrics(Optional<MeterRegistry> registry) {
        return registry.map(MicrometerModule::metrics).orElse(EventsourceMetrics.NONE);
    }

    /**
     * The runtime's meters on {@code registry}, for {@code Eventsource.builder().metrics(...)} where no component is
     * composed. Make one per registry and give it to every runtime of the process that reports there: its gauges
     * (relay backlog, active consumers) are registered once per registry. Thread-safe.
     */
    public static EventsourceMetrics metrics(MeterRegistry registry) {
        return new MicrometerEventsourceMetrics(Objects.requireNonNull(registry, "registry"));
    }
}
