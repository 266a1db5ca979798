package io.eventsource.core;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.Scheduler;
import jakarta.inject.Singleton;

/**
 * Real time for a Dagger component: one {@link SystemScheduler} (the system clock and a pool of daemon threads,
 * one per processor, at least two) bound as the {@link Scheduler}. The component is {@code @Singleton}, so that
 * the runtime and the adapters share it. Expose {@code SystemScheduler} from the component to close it last,
 * after {@link Eventsource#close()} and the ports.
 *
 * <p>List it in a deployment's component; a test lists the in-memory adapter's {@code VirtualTimeModule} instead.
 */
@Module
public abstract class RealTimeModule {

    private RealTimeModule() {
    }

    @Provides
    @Singleton
    static SystemScheduler systemScheduler() {
        return new SystemScheduler();
    }

    @Binds
    abstract Scheduler scheduler(SystemScheduler scheduler);
}
