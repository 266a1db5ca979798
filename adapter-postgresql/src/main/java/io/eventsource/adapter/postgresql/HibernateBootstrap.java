package io.eventsource.adapter.postgresql;

import io.eventsource.adapter.postgresql.entity.AckRow;
import io.eventsource.adapter.postgresql.entity.EventRow;
import io.eventsource.ports.Credentials;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.api.output.MigrateResult;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Starts the adapter's database side: runs the migrations (Flyway), then builds the SessionFactory over a HikariCP
 * pool, programmatically (no persistence.xml, no scanning) and with Hibernate validating the mapping against the
 * migrated tables.
 *
 * <p>Nothing it prints holds the password: the settings refuse a URL with credentials, and the URL is redacted
 * wherever it is printed all the same; the password reaches the driver, Flyway and the pool only as a property.
 */
final class HibernateBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(HibernateBootstrap.class);
    private static final int CONNECT_TIMEOUT_SECONDS = 5;
    /**
     * How long a statement on a pool's connection waits for the server's answer before it fails as transient: far
     * longer than any of the adapter's statements takes, far shorter than forever. In seconds, as the driver takes it.
     */
    static final int SOCKET_TIMEOUT_SECONDS = 60;
    /** How long a caller waits for a connection of a pool before a transient failure. */
    static final String CONNECTION_TIMEOUT_MILLIS = "5000";

    private HibernateBootstrap() {
    }

    /**
     * @throws io.eventsource.ports.TransientPortException if the database cannot be reached
     * @throws io.eventsource.ports.PermanentPortException if it refuses the user, TLS cannot be established, or the
     *         schema does not fit
     */
    static SessionFactory open(PostgreSqlSettings settings) {
        return open(settings, Map.of());
    }

    /** As {@link #open(PostgreSqlSettings)}, with Hibernate / HikariCP properties overridden (for tests). */
    static SessionFactory open(PostgreSqlSettings settings, Map<String, String> overrides) {
        Tables tables = Tables.of(settings);
        migrate(settings, tables);
        try {
            Configuration configuration = configuration(settings, tables);
            overrides.forEach(configuration::setProperty);
            SessionFactory sessionFactory = configuration.buildSessionFactory();
            LOG.info("PostgreSQL adapter ready on {} as {} with TLS {} and tables {}*",
                    Credentials.redact(settings.jdbcUrl()), settings.user(), settings.tls(), tables.prefix());
            return sessionFactory;
        } catch (RuntimeException e) {
            throw PostgreSqlFailures.translate("start (Hibernate bootstrap and schema validation) on " + where(settings), e);
        }
    }

    /**
     * The adapter's pool of connections for reads, beside the SessionFactory's: in autocommit, so that a read sends no
     * {@code COMMIT} after its statements ({@link Sessions}), and read-only, so that nothing writes through it. It
     * connects on first use: the SessionFactory's start has just checked the database.
     *
     * @param connectionTimeout how long a read waits for a connection before it fails as transient
     */
    static HikariDataSource readPool(PostgreSqlSettings settings, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("eventsource-postgresql-reads-" + Tables.of(settings).prefix());
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        poolDriverProperties(settings).forEach((key, value) -> config.addDataSourceProperty(key.toString(), value));
        config.getDataSourceProperties().remove("user");
        config.getDataSourceProperties().remove("password");
        // the driver's default mode (transaction) makes only transactions read-only, not a connection in autocommit:
        // this one makes the session read-only, so that the server refuses a write
        config.addDataSourceProperty("readOnlyMode", "always");
        config.setAutoCommit(true);
        config.setReadOnly(true);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** Runs the migrations. */
    static void migrate(PostgreSqlSettings settings, Tables tables) {
        try {
            MigrateResult result = FlywayMigrations.run(settings, tables);
            if (result.migrationsExecuted > 0) {
                LOG.info("Migrated tables {}* on {} to version {}", tables.prefix(),
                        Credentials.redact(settings.jdbcUrl()), result.targetSchemaVersion);
            }
        } catch (RuntimeException e) {
            throw PostgreSqlFailures.translate("start (migration of tables " + tables.prefix() + "*) on " + where(settings), e);
        }
    }

    /** The URL, user and TLS mode, for messages. */
    static String where(PostgreSqlSettings settings) {
        return Credentials.redact(settings.jdbcUrl()) + " as " + settings.user() + " with TLS " + settings.tls();
    }

    static Configuration configuration(PostgreSqlSettings settings, Tables tables) {
        Configuration configuration = new Configuration()
                .addAnnotatedClass(EventRow.class)
                .addAnnotatedClass(AckRow.class);
        configuration.setPhysicalNamingStrategy(new TablePrefixNamingStrategy(tables.prefix()));
        configuration.setProperties(hibernateProperties(settings));
        return configuration;
    }

    static Properties hibernateProperties(PostgreSqlSettings settings) {
        Properties properties = new Properties();
        properties.setProperty("hibernate.connection.url", settings.jdbcUrl());
        properties.setProperty("hibernate.connection.username", settings.user());
        properties.setProperty("hibernate.connection.password", settings.password());
        // by class name: hibernate-hikaricp is a runtime dependency, not a module this one reads
        properties.setProperty("hibernate.connection.provider_class", "org.hibernate.hikaricp.internal.HikariCPConnectionProvider");
        properties.setProperty("hibernate.connection.pool_size", Integer.toString(settings.poolSize()));
        // PostgreSQL's default, said out loud: each statement sees what committed before it, which is what the append
        // needs after it waited for the log head (see HibernateEventLog)
        properties.setProperty("hibernate.connection.isolation", "TRANSACTION_READ_COMMITTED");
        // the pool hands out connections with autocommit off: Hibernate skips toggling it per transaction
        properties.setProperty("hibernate.connection.autocommit", "false");
        properties.setProperty("hibernate.connection.provider_disables_autocommit", "true");
        properties.setProperty("hibernate.hikari.poolName", "eventsource-postgresql-" + settings.tablePrefix());
        properties.setProperty("hibernate.hikari.minimumIdle", "1");
        // how long a caller waits for a connection before a transient failure
        properties.setProperty("hibernate.hikari.connectionTimeout", CONNECTION_TIMEOUT_MILLIS);
        poolDriverProperties(settings).forEach((key, value) ->
                properties.setProperty("hibernate.hikari.dataSource." + key, value.toString()));
        properties.remove("hibernate.hikari.dataSource.user");
        properties.remove("hibernate.hikari.dataSource.password");
        // the migrations own the schema; Hibernate only checks that the mapping fits it
        properties.setProperty("hibernate.hbm2ddl.auto", "validate");
        properties.setProperty("hibernate.jdbc.batch_size", "100");
        properties.setProperty("hibernate.show_sql", "false");
        return properties;
    }

    /**
     * Driver properties. The user, the password and the TLS mode always come from the settings (which refuse a URL
     * that sets them); any other parameter of the user's URL wins over the adapter's choice (the driver lets the URL
     * win, and a property that the URL sets is left out here, so that what is printed is what is used).
     */
    static Properties driverProperties(PostgreSqlSettings settings) {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        // one multi-row INSERT for a JDBC batch of inserts
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("ApplicationName", "eventsource");
        properties.setProperty("tcpKeepAlive", "true");
        Set<String> inUrl = urlParameterNames(settings.jdbcUrl());
        properties.stringPropertyNames().forEach(name -> {
            if (inUrl.contains(name.toLowerCase(Locale.ROOT))) {
                properties.remove(name);
            }
        });
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        // explicit, whatever the driver's default (prefer, which falls back to plain TCP unnoticed)
        properties.setProperty("sslmode", settings.tls().sslMode());
        return properties;
    }

    /**
     * The driver properties of the pools' connections: {@link #driverProperties}, and a socket timeout of
     * {@value #SOCKET_TIMEOUT_SECONDS} s unless the URL sets one. Without it a statement on a connection that died
     * without a word (a server or a network gone, no reset sent) waits for its answer forever, and so does the thread
     * that sent it (the ack writer, a delivery's read): the keepalive that {@code tcpKeepAlive} turns on notices only
     * after the system's keepalive time (two hours by default on Linux). With it the statement fails as transient and
     * the pool drops the connection. The migrations' connections have none: a migration may rightly take long.
     */
    static Properties poolDriverProperties(PostgreSqlSettings settings) {
        Properties properties = driverProperties(settings);
        if (!urlParameterNames(settings.jdbcUrl()).contains("sockettimeout")) {
            properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        }
        return properties;
    }

    /** The names of the query parameters of a JDBC URL, lower-cased. */
    static Set<String> urlParameterNames(String jdbcUrl) {
        Set<String> names = new TreeSet<>();
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return names;
        }
        int fragment = jdbcUrl.indexOf('#', query);
        for (String parameter : jdbcUrl.substring(query + 1, fragment < 0 ? jdbcUrl.length() : fragment).split("&")) {
            int equals = parameter.indexOf('=');
            names.add((equals < 0 ? parameter : parameter.substring(0, equals)).trim().toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
