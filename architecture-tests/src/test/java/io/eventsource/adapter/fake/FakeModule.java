package io.eventsource.adapter.fake;

import dagger.Module;

/** Allowed: an adapter's public Dagger module. */
@Module
public final class FakeModule {
    private FakeModule() {
    }
}
