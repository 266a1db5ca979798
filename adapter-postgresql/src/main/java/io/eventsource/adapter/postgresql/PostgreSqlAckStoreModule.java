package io.eventsource.adapter.postgresql;

import dagger.Binds;
import dagger.Module;
import io.eventsource.ports.AckStore;

/**
 * Provides the {@link AckStore} on PostgreSQL 15+, usable alone beside another adapter's event log.
 * The component passes a {@link PostgreSqlSettings} with {@code @BindsInstance} and is {@code @Singleton}.
 *
 * <p>Listed with {@link PostgreSqlEventLogModule} (or as part of {@link PostgreSqlModule}), both ports share the component's
 * one database: one SessionFactory and one connection pool, closed with the last of the two ports. Providing the
 * store migrates the schema and validates the mapping, and throws as {@link PostgreSqlModule} says; close it on
 * shutdown, so that it writes the acks it has queued.
 */
@Module
public abstract class PostgreSqlAckStoreModule {
    private PostgreSqlAckStoreModule() {
    }

    // the store injects the component's one HibernateDatabase (an @Inject @Singleton), shared with the event log
    @Binds
    abstract AckStore ackStore(HibernateAckStore store);
}
