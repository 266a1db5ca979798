package io.eventsource.adapter.postgresql.composition;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.postgresql.PostgreSqlAckStoreModule;
import io.eventsource.adapter.postgresql.PostgreSqlEventLogModule;
import io.eventsource.adapter.postgresql.PostgreSqlSettings;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;

/** Compositions of the per-port modules, as a user writes them: each alone, and both listed one by one. */
final class PostgreSqlPortComponents {
    private PostgreSqlPortComponents() {
    }

    /** The event log on PostgreSQL, and no ack store at all: the module needs nothing the other provides. */
    @Singleton
    @Component(modules = PostgreSqlEventLogModule.class)
    interface EventLogAlone {
        EventLog eventLog();

        @Component.Factory
        interface Factory {
            EventLogAlone create(@BindsInstance PostgreSqlSettings settings);
        }
    }

    /** The ack store on PostgreSQL, and no event log at all. */
    @Singleton
    @Component(modules = PostgreSqlAckStoreModule.class)
    interface AckStoreAlone {
        AckStore ackStore();

        @Component.Factory
        interface Factory {
            AckStoreAlone create(@BindsInstance PostgreSqlSettings settings);
        }
    }

    /** Both per-port modules listed one by one: the same as {@code PostgreSqlModule}. */
    @Singleton
    @Component(modules = {PostgreSqlEventLogModule.class, PostgreSqlAckStoreModule.class})
    interface BothPorts {
        EventLog eventLog();

        AckStore ackStore();

        @Component.Factory
        interface Factory {
            BothPorts create(@BindsInstance PostgreSqlSettings settings);
        }
    }
}
