package io.eventsource.adapter.mysql;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import jakarta.inject.Singleton;
import org.hibernate.SessionFactory;

/**
 * Provides the {@link EventLog} and the {@link AckStore} on MySQL 8 or MariaDB 10.11+. The component
 * passes a {@link MySqlSettings} (e.g. {@link MySqlSettings#fromEnvironment()}) with
 * {@code @BindsInstance} and is {@code @Singleton}-scoped: the adapter holds one SessionFactory, one
 * connection pool and one ack writer.
 *
 * <p>Providing the SessionFactory migrates the schema and validates the mapping; it throws a
 * {@link io.eventsource.ports.TransientPortException} when the database cannot be reached and a
 * {@link io.eventsource.ports.PermanentPortException} when it refuses the user or the schema does not fit.
 * On shutdown, close the {@link AckStore} first (it writes what it has queued), then the SessionFactory,
 * which closes the pool.
 */
@Module
public abstract class MySqlModule {
    private MySqlModule() {
    }

    @Binds
    abstract EventLog eventLog(HibernateEventLog log);

    @Binds
    abstract AckStore ackStore(HibernateAckStore store);

    /** The SessionFactory over a HikariCP pool, after migrating the schema. */
    @Provides
    @Singleton
    static SessionFactory sessionFactory(MySqlSettings settings) {
        return HibernateBootstrap.open(settings);
    }
}
