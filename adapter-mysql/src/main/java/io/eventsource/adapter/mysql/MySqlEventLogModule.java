package io.eventsource.adapter.mysql;

import dagger.Binds;
import dagger.Module;
import io.eventsource.ports.EventLog;

/**
 * Provides the {@link EventLog} on MySQL 8 or MariaDB 10.11+, usable alone beside another adapter's ack store.
 * The component passes a {@link MySqlSettings} with {@code @BindsInstance} and is {@code @Singleton}.
 *
 * <p>Listed with {@link MySqlAckStoreModule} (or as part of {@link MySqlModule}), both ports share the component's
 * one database: one SessionFactory and its connection pools, closed with the last of the two ports. Providing the
 * log migrates the schema and validates the mapping, and throws as {@link MySqlModule} says.
 */
@Module
public abstract class MySqlEventLogModule {
    private MySqlEventLogModule() {
    }

    // the log injects the component's one HibernateDatabase (an @Inject @Singleton), shared with the ack store
    @Binds
    abstract EventLog eventLog(HibernateEventLog log);
}
