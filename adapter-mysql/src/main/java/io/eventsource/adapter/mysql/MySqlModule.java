package io.eventsource.adapter.mysql;

import dagger.Module;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;

/**
 * Provides the {@link EventLog}, the {@link AckStore} and the {@link CheckpointStore} on MySQL 8 or MariaDB 10.11+.
 * The component passes a {@link MySqlSettings} (e.g. {@link MySqlSettings#fromEnvironment()}) with
 * {@code @BindsInstance} and is {@code @Singleton}-scoped: the adapter holds one SessionFactory, one
 * connection pool and one ack writer, all inside the adapter (no Hibernate type appears in the component).
 *
 * <p>Providing any port migrates the schema and validates the mapping; it throws a
 * {@link io.eventsource.ports.TransientPortException} when the database cannot be reached and a
 * {@link io.eventsource.ports.PermanentPortException} when it refuses the user, when TLS cannot be established in
 * the settings' {@link MySqlSettings.Tls mode} (a message that says TLS), or when the schema does not fit. Neither
 * message nor log line holds the password.
 * On shutdown, close the event log and the ack store, in any order: the ack store writes what it has queued, and
 * the last of the two closed closes the connection pool (the checkpoint store holds none of it open).
 *
 * <p>It is {@link MySqlEventLogModule}, {@link MySqlAckStoreModule} and {@link MySqlCheckpointStoreModule} in one;
 * list some of them instead to keep only those ports on MySQL.
 */
@Module(includes = {MySqlEventLogModule.class, MySqlAckStoreModule.class, MySqlCheckpointStoreModule.class})
public abstract class MySqlModule {
    private MySqlModule() {
    }
}
