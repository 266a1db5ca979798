package io.eventsource.core.violation;

import dagger.Module;

/** Breaks: the core's wiring sits in one @Module. */
@Module
public final class MoreCoreWiring {
    private MoreCoreWiring() {
    }
}
