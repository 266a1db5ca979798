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
 * <p>Listed with {@link MySqlEventLogModule} and {@link MySqlAckStoreModule} (or as part of {@link MySqlModule}),
 * the ports share the component's one database: one SessionFactory and one connection pool, closed with the last of
 * them. Providing the store migrates the schema and validates the mapping, and throws as {@link MySqlModule} says;
 * close it on shutdown with the other ports.
 */
@Module
public abstract class MySqlCheckpointStoreModule {
    private MySqlCheckpointStoreModule() {
    }

    // the store injects the component's one HibernateDatabase (an @Inject @Singleton), shared with the other ports
    @Binds
    abstract CheckpointStore checkpointStore(HibernateCheckpointStore store);
}
