package io.eventsource.core.violation;

import dagger.Module;
import dagger.Provides;

/** Allowed on its own (the core's Dagger module); breaks "one module" together with {@link MoreCoreWiring}. */
@Module
public final class CoreWiring {
    private CoreWiring() {
    }

    @Provides
    static CoreRuntime runtime() {
        return new CoreRuntime();
    }
}
