package io.eventsource.adapter.mysql;

import dagger.Module;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;

import org.hibernate.SessionFactory;

import javax.sql.DataSource;
import java.util.Objects;

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
 *
 * <p>Without Dagger, {@link #ports(MySqlSettings)} and {@link #ports(MySqlSettings, DataSource)} make the same ports.
 */
@Module(includes = {MySqlEventLogModule.class, MySqlAckStoreModule.class, MySqlCheckpointStoreModule.class})
public abstract class MySqlModule {
    private MySqlModule() {
    }

    /**
     * The ports on the database the settings name, with a connection pool of the adapter's own, where no component
     * is composed: {@code Eventsource.builder().eventLog(mySql.eventLog()).ackStore(mySql.ackStore())...}. Migrates
     * the schema and validates the mapping first, and throws as this module's ports do. Close them after the runtime.
     */
    public static MySqlPorts ports(MySqlSettings settings) {
        return new MySqlPorts(new HibernateDatabase(Objects.requireNonNull(settings, "settings")), settings);
    }

    /**
     * The ports on a {@link DataSource} of the application's (MySQL 8 or MariaDB 10.11+), such as a Spring Boot
     * application's pool, instead of a pool of the adapter's own: of the settings, the tables (namespace or
     * prefix), the payload limit and the ack batching apply; the URL, the credentials, the TLS mode and the pool
     * size are the DataSource's. The migrations run on one of its connections. Closing the ports leaves the
     * DataSource open.
     *
     * <p>The adapter's own pool runs its connections in {@code READ COMMITTED} and strict SQL mode; the start logs a
     * WARN where the DataSource's connections differ (fewer deadlocks and refused rather than truncated values; give
     * the pool {@code TRANSACTION_READ_COMMITTED}).
     *
     * @throws io.eventsource.ports.TransientPortException if the database cannot be reached
     * @throws io.eventsource.ports.PermanentPortException if it refuses the user, is not MySQL or MariaDB, the schema
     *         does not fit, or its {@code max_allowed_packet} is too small for the payload limit
     */
    public static MySqlPorts ports(MySqlSettings settings, DataSource dataSource) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(dataSource, "dataSource");
        SessionFactory sessionFactory = DataSourceBootstrap.open(settings, dataSource);
        return new MySqlPorts(new HibernateDatabase(sessionFactory, Sessions.readingFrom(sessionFactory, dataSource)),
                settings);
    }
}
