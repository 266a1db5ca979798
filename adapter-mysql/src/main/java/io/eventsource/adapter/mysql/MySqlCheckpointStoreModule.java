package io.eventsource.adapter.mysql;

import dagger.Binds;
import dagger.Module;
import io.eventsource.ports.CheckpointStore;

/**
 * Provides the {@link CheckpointStore} on MySQL 8 or MariaDB 10.11+: the sweepers' checkpoints in
 * {@code <prefix>checkpoint}, beside the event log. The component passes a {@link MySqlSettings} with
 * {@code @BindsInstance} and is {@code @Singleton}; with {@code EventsourceModule} in the component, the runtime's
 * listeners keep their checkpoints there.
 *
 * <p>List it with {@link MySqlEventLogModule} (or as part of {@link MySqlModule}): the store shares the component's one
 * database (one SessionFactory, its connection pools) with the event log and the ack store, and holds it open for
 * nobody, so the database closes with the last of those two, as it did before checkpoints existed; closing the
 * checkpoint store changes nothing, and it fails with a {@link io.eventsource.ports.PermanentPortException} once the
 * database is closed (close the runtime first). Providing the store migrates the schema, and throws as
 * {@link MySqlModule} says.
 */
@Module
public abstract class MySqlCheckpointStoreModule {
    private MySqlCheckpointStoreModule() {
    }

    // the store injects the component's one HibernateDatabase (an @Inject @Singleton), shared with the other ports
    @Binds
    abstract CheckpointStore checkpointStore(HibernateCheckpointStore store);
}
