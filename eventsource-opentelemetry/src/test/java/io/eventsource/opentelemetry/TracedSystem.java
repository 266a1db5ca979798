package io.eventsource.opentelemetry;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.EventTracing;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.EventLog;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.inject.Singleton;

/** The in-memory stack on a virtual clock with traces on OpenTelemetry, composed as a user would. */
@Singleton
@Component(modules = {InMemoryModule.class, EventsourceModule.class, OpenTelemetryModule.class})
interface TracedSystem {

    Eventsource eventsource();

    VirtualScheduler clock();

    EventLog eventLog();

    @Component.Factory
    interface Factory {
        TracedSystem create(@BindsInstance ExpiryPolicy expiry, @BindsInstance EventsourceOptions options,
                            @BindsInstance OpenTelemetry openTelemetry);
    }

    /** The same stack without an OpenTelemetry. */
    @Singleton
    @Component(modules = {InMemoryModule.class, EventsourceModule.class, OpenTelemetryModule.class})
    interface Untraced {
        EventTracing tracing();

        @Component.Factory
        interface Factory {
            Untraced create(@BindsInstance ExpiryPolicy expiry);
        }
    }
}
