package io.eventsource.adapter.mysql;

import dagger.Binds;
import dagger.Module;
import io.eventsource.ports.AckStore;

/**
 * Provides the {@link AckStore} on MySQL 8 or MariaDB 10.11+, usable alone beside another adapter's event log.
 * The component passes a {@link MySqlSettings} with {@code @BindsInstance} and is {@code @Singleton}.
 *
 * <p>Listed with {@link MySqlEventLogModule} (or as part of {@link MySqlModule}), both ports share the component's
 * one database: one SessionFactory and its connection pools, closed with the last of the two ports. Providing the
 * store migrates the schema and validates the mapping, and throws as {@link MySqlModule} says; close it on
 * shutdown, so that it writes the acks it has queued.
 */
@Module
public abstract class MySqlAckStoreModule {
    private MySqlAckStoreModule() {
    }

    // the store injects the component's one HibernateDatabase (an @Inject @Singleton), shared with the event log
    @Binds
    abstract AckStore ackStore(HibernateAckStore store);
}
