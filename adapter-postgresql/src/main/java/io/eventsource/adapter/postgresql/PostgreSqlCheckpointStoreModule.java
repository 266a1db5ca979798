package io.eventsource.adapter.postgresql;

import dagger.Binds;
import dagger.Module;
import io.eventsource.ports.CheckpointStore;

/**
 * Provides the {@link CheckpointStore} on PostgreSQL 15+: the sweepers' checkpoints in
 * {@code <prefix>checkpoint}, beside the event log. The component passes a {@link PostgreSqlSettings} with
 * {@code @BindsInstance} and is {@code @Singleton}; with {@code EventsourceModule} in the component, the runtime's
 * listeners keep their checkpoints there.
 *
 * <p>List it with {@link PostgreSqlEventLogModule} (or as part of {@link PostgreSqlModule}): the store shares the component's one
 * database (one SessionFactory, one connection pool) with the event log and the ack store, and holds it open for
 * nobody, so the database closes with the last of those two, as it did before checkpoints existed; closing the
 * checkpoint store changes nothing, and it fails with a {@link io.eventsource.ports.PermanentPortException} once the
 * database is closed (close the runtime first). Providing the store migrates the schema, and throws as
 * {@link PostgreSqlModule} says.
 */
@Module
public abstract class PostgreSqlCheckpointStoreModule {
    private PostgreSqlCheckpointStoreModule() {
    }

    // the store injects the component's one HibernateDatabase (an @Inject @Singleton), shared with the other ports
    @Binds
    abstract CheckpointStore checkpointStore(HibernateCheckpointStore store);
}
