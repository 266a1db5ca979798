package io.eventsource.adapter.inmemory;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The event log in memory for a Dagger component: one {@link EventLog}, empty at first, kept for as long as the
 * component lives. It needs nothing else from the component: usable alone, with any other adapters.
 *
 * <p>The log refuses payloads over {@link PayloadLimit#DEFAULT} (1 MiB), as the MySQL adapter does by default; bind a
 * {@link PayloadLimit} in the component (with {@code @BindsInstance}) to mirror another limit.
 */
@Module
public abstract class InMemoryEventLogModule {

    private InMemoryEventLogModule() {
    }

    /** Optional: a component may bind the log's payload limit; without, {@link PayloadLimit#DEFAULT}. */
    @BindsOptionalOf
    abstract PayloadLimit optionalPayloadLimit();

    @Provides
    @Singleton
    static EventLog componentEventLog(Optional<PayloadLimit> limit) {
        return eventLog(limit.orElse(PayloadLimit.DEFAULT));
    }

    /**
     * A new, empty event log in memory, thread-safe, passing the TCK's {@code EventLogContract}, refusing payloads
     * over 1 MiB. The component makes one; without Dagger, call it for {@code Eventsource.builder().eventLog(...)}
     * (each call makes another log).
     */
    public static EventLog eventLog() {
        return eventLog(PayloadLimit.DEFAULT);
    }

    /** As {@link #eventLog()}, refusing payloads over {@code limit}. */
    public static EventLog eventLog(PayloadLimit limit) {
        return new InMemoryEventLog(limit);
    }
}
