package io.eventsource.core.violation;

import jakarta.inject.Inject;

/** Breaks: the core is plain constructors; only its Dagger module may use Dagger. */
public final class CoreInjected {
    @Inject
    public CoreInjected() {
    }
}
