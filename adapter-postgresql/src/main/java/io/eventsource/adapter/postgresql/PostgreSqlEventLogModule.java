package io.eventsource.adapter.postgresql;

import dagger.Binds;
import dagger.Module;
import io.eventsource.ports.EventLog;

/**
 * Provides the {@link EventLog} on PostgreSQL 15+, usable alone beside another adapter's ack store.
 * The component passes a {@link PostgreSqlSettings} with {@code @BindsInstance} and is {@code @Singleton}.
 *
 * <p>Listed with {@link PostgreSqlAckStoreModule} (or as part of {@link PostgreSqlModule}), both ports share the component's
 * one database: one SessionFactory and one connection pool, closed with the last of the two ports. Providing the
 * log migrates the schema and validates the mapping, and throws as {@link PostgreSqlModule} says.
 */
@Module
public abstract class PostgreSqlEventLogModule {
    private PostgreSqlEventLogModule() {
    }

    // the log injects the component's one HibernateDatabase (an @Inject @Singleton), shared with the ack store
    @Binds
    abstract EventLog eventLog(HibernateEventLog log);
}
