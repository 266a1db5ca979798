package io.eventsource.adapter.mysql.composition;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.mysql.MySqlAckStoreModule;
import io.eventsource.adapter.mysql.MySqlEventLogModule;
import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;

/** Compositions of the per-port modules, as a user writes them: each alone, and both listed one by one. */
final class MySqlPortComponents {
    private MySqlPortComponents() {
    }

    /** The event log on MySQL, and no ack store at all: the module needs nothing the other provides. */
    @Singleton
    @Component(modules = MySqlEventLogModule.class)
    interface EventLogAlone {
        EventLog eventLog();

        @Component.Factory
        interface Factory {
            EventLogAlone create(@BindsInstance MySqlSettings settings);
        }
    }

    /** The ack store on MySQL, and no event log at all. */
    @Singleton
    @Component(modules = MySqlAckStoreModule.class)
    interface AckStoreAlone {
        AckStore ackStore();

        @Component.Factory
        interface Factory {
            AckStoreAlone create(@BindsInstance MySqlSettings settings);
        }
    }

    /** Both per-port modules listed one by one: the same as {@code MySqlModule}. */
    @Singleton
    @Component(modules = {MySqlEventLogModule.class, MySqlAckStoreModule.class})
    interface BothPorts {
        EventLog eventLog();

        AckStore ackStore();

        @Component.Factory
        interface Factory {
            BothPorts create(@BindsInstance MySqlSettings settings);
        }
    }
}
