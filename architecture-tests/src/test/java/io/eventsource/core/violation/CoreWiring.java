package io.eventsource.core.violation;

import dagger.Module;
import dagger.Provides;

/** Allowed to use Dagger (a Dagger module of the core); breaks "only the declared modules", like {@link MoreCoreWiring}. */
@Module
public final class CoreWiring {
    private CoreWiring() {
    }

    @Provides
    static CoreRuntime runtime() {
        return new CoreRuntime();
    }
}
