package io.eventsource.adapter.postgresql.composition;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.postgresql.PostgreSqlModule;
import io.eventsource.adapter.postgresql.PostgreSqlSettings;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;

/** A composition as a user writes one, in a package of its own: only the module and the settings are visible. */
@Singleton
@Component(modules = PostgreSqlModule.class)
interface PostgreSqlComponent {
    EventLog eventLog();

    AckStore ackStore();

    CheckpointStore checkpoints();

    @Component.Factory
    interface Factory {
        PostgreSqlComponent create(@BindsInstance PostgreSqlSettings settings);
    }
}
