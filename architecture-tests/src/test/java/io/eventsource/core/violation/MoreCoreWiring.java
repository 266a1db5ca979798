package io.eventsource.core.violation;

import dagger.Module;

/** Breaks: the core's Dagger modules are the runtime's and real time's, declared in the architecture rules. */
@Module
public final class MoreCoreWiring {
    private MoreCoreWiring() {
    }
}
