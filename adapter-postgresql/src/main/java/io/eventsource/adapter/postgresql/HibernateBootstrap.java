package io.eventsource.adapter.postgresql;

import io.eventsource.adapter.postgresql.entity.AckRow;
import io.eventsource.adapter.postgresql.entity.EventRow;
import io.eventsource.ports.Credentials;
import org.flywaydb.core.api.output.MigrateResult;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        properties.setProperty("hibernate.hikari.connectionTimeout", "5000");
        driverProperties(settings).forEach((key, value) ->
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
