package io.eventsource.examples;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.eventsource.core.SystemScheduler;
import io.eventsource.ports.Scheduler;
import jakarta.inject.Singleton;

/**
 * Real time for compositions on real services: core's {@link SystemScheduler} bound as the {@link Scheduler}.
 * (The in-memory module binds its virtual scheduler instead.) Expose {@link SystemScheduler} from the component
 * to close it with the composition.
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
