package io.eventsource.adapter.inmemory;

import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;

/**
 * The event log in memory for a Dagger component: one {@link EventLog}, empty at first, kept for as long as the
 * component lives. It needs nothing else from the component: usable alone, with any other adapters.
 */
@Module
public abstract class InMemoryEventLogModule {

    private InMemoryEventLogModule() {
    }

    /**
     * A new, empty event log in memory, thread-safe, passing the TCK's {@code EventLogContract}. The component
     * calls it once; without Dagger, call it for {@code Eventsource.builder().eventLog(...)} (each call makes
     * another log).
     */
    @Provides
    @Singleton
    public static EventLog eventLog() {
        return new InMemoryEventLog();
    }
}
