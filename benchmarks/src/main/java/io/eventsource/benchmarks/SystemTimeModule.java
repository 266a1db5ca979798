package io.eventsource.benchmarks;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.eventsource.core.SystemScheduler;
import io.eventsource.ports.Scheduler;
import jakarta.inject.Singleton;

/** Real time: core's {@link SystemScheduler} as the runtime's {@link Scheduler}. */
@Module
abstract class SystemTimeModule {

    private SystemTimeModule() {
    }

    @Provides
    @Singleton
    static SystemScheduler systemScheduler() {
        return new SystemScheduler();
    }

    @Binds
    abstract Scheduler scheduler(SystemScheduler scheduler);
}
