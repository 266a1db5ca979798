package io.eventsource.adapter.inmemory;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.Scheduler;
import jakarta.inject.Singleton;

/**
 * Virtual time for a Dagger component: one {@link VirtualScheduler}, standing at
 * {@link VirtualScheduler#DEFAULT_START}, bound as the {@link Scheduler}. Time stands still until the test moves
 * it: expose {@code VirtualScheduler} from the component to read and advance the clock. The component is
 * {@code @Singleton}, so that every port and the runtime share this one clock.
 *
 * <p>Usable alone, with any adapters: list {@code RealTimeModule} (the core's system clock) instead for real time.
 */
@Module
public abstract class VirtualTimeModule {

    private VirtualTimeModule() {
    }

    @Binds
    abstract Scheduler scheduler(VirtualScheduler scheduler);

    @Provides
    @Singleton
    static VirtualScheduler virtualScheduler() {
        return new VirtualScheduler();
    }
}
