package io.eventsource.adapter.postgresql;

import dagger.Module;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;

/**
 * Provides the {@link EventLog}, the {@link AckStore} and the {@link CheckpointStore} on PostgreSQL 15+.
 * The component passes a {@link PostgreSqlSettings} (e.g. {@link PostgreSqlSettings#fromEnvironment()}) with
 * {@code @BindsInstance} and is {@code @Singleton}-scoped: the adapter holds one SessionFactory, two connection pools
 * (the SessionFactory's, for transactions, and one of read-only connections in autocommit, for the event log's and the
 * ack store's reads) and one ack writer, all inside the adapter (no Hibernate type appears in the component).
 *
 * <p>Providing any port migrates the schema and validates the mapping; it throws a
 * {@link io.eventsource.ports.TransientPortException} when the database cannot be reached and a
 * {@link io.eventsource.ports.PermanentPortException} when it refuses the user, when TLS cannot be established in
 * the settings' {@link PostgreSqlSettings.Tls mode} (a message that says TLS), or when the schema does not fit. Neither
 * message nor log line holds the password.
 * On shutdown, close the event log and the ack store, in any order: the ack store writes what it has queued, and
 * the last of the two closed closes the connection pools (the checkpoint store holds none of them open).
 *
 * <p>It is {@link PostgreSqlEventLogModule}, {@link PostgreSqlAckStoreModule} and {@link PostgreSqlCheckpointStoreModule} in one;
 * list some of them instead to keep only those ports on PostgreSQL.
 */
@Module(includes = {PostgreSqlEventLogModule.class, PostgreSqlAckStoreModule.class, PostgreSqlCheckpointStoreModule.class})
public abstract class PostgreSqlModule {
    private PostgreSqlModule() {
    }
}
