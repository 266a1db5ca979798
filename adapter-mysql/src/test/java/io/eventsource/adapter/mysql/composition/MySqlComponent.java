package io.eventsource.adapter.mysql.composition;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.mysql.MySqlModule;
import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;

/** A composition as a user writes one, in a package of its own: only the module and the settings are visible. */
@Singleton
@Component(modules = MySqlModule.class)
interface MySqlComponent {
    EventLog eventLog();

    AckStore ackStore();

    CheckpointStore checkpoints();

    @Component.Factory
    interface Factory {
        MySqlComponent create(@BindsInstance MySqlSettings settings);
    }
}
