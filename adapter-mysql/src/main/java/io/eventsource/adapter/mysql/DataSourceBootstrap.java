package io.eventsource.adapter.mysql;

import io.eventsource.ports.PermanentPortException;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Starts the adapter's database side on a {@link DataSource} that the application owns (a Spring Boot application's
 * pool, say), instead of a pool of the adapter's own: runs the migrations on one of its connections, then builds the
 * SessionFactory over it. Of the {@link MySqlSettings}, the table prefix (namespace), the payload limit and the ack
 * batching apply; the URL, the credentials, the TLS mode and the pool size are the DataSource's business.
 *
 * <p>The adapter's own pool sets {@code READ COMMITTED} and strict SQL mode on every connection; a DataSource of the
 * application is used as it is, so the start checks both on the migration connection and logs a WARN that says what
 * to set where they differ (neither is needed for correctness: every read that decides a write is protected by a
 * unique key, and the server refuses oversized values under the default strict mode).
 */
final class DataSourceBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(DataSourceBootstrap.class);
    /** The Hibernate settings of the adapter's own pool and connection, which a given DataSource replaces. */
    private static final List<String> OWN_POOL = List.of("hibernate.connection.url", "hibernate.connection.username",
            "hibernate.connection.password", "hibernate.connection.provider_class", "hibernate.connection.pool_size",
            "hibernate.connection.isolation", "hibernate.connection.autocommit",
            "hibernate.connection.provider_disables_autocommit");
    private static final String WHERE = "the application's DataSource";

    private DataSourceBootstrap() {
    }

    /**
     * @throws io.eventsource.ports.TransientPortException if the database cannot be reached
     * @throws io.eventsource.ports.PermanentPortException if it refuses the user, the schema does not fit, or its
     *         {@code max_allowed_packet} is too small for the payload limit
     */
    static SessionFactory open(MySqlSettings settings, DataSource dataSource) {
        Tables tables = Tables.of(settings);
        String serverVersion = migrate(settings, tables, dataSource);
        try {
            Configuration configuration = HibernateBootstrap.configuration(settings, tables);
            Properties properties = configuration.getProperties();
            OWN_POOL.forEach(properties::remove);
            properties.keySet().removeIf(key -> key.toString().startsWith("hibernate.hikari."));
            // Hibernate borrows connections from the DataSource and never closes it: it stays the application's
            properties.put("hibernate.connection.datasource", dataSource);
            HibernateBootstrap.mariaDbVersion(serverVersion).ifPresent(version ->
                    properties.put("hibernate.dialect", new MariaDbOverConnectorJ(version)));
            SessionFactory sessionFactory = configuration.buildSessionFactory();
            LOG.info("MySQL adapter ready on {} with tables {}*", WHERE, tables.prefix());
            return sessionFactory;
        } catch (RuntimeException e) {
            throw Failures.translate("start (Hibernate bootstrap and schema validation) on " + WHERE, e);
        }
    }

    /** Runs the migrations on a connection of the DataSource; returns the server's version string. */
    private static String migrate(MySqlSettings settings, Tables tables, DataSource dataSource) {
        try {
            String version;
            try (Connection connection = dataSource.getConnection()) {
                version = connection.getMetaData().getDatabaseProductVersion();
                if (!version.contains("MariaDB")
                        && !connection.getMetaData().getDatabaseProductName().contains("MySQL")) {
                    throw new PermanentPortException("The MySQL adapter needs MySQL 8 or MariaDB 10.11+, but "
                            + WHERE + " is " + connection.getMetaData().getDatabaseProductName() + " " + version);
                }
                HibernateBootstrap.checkPacketSize(settings, queryLong(connection, "SELECT @@max_allowed_packet"));
                warnOnDifferentSession(connection);
            }
            // Flyway borrows connections of its own from the pool (this one is back: a pool of one suffices), and
            // gives them back as they were
            MigrateResult result = FlywayMigrations.run(dataSource, tables);
            if (result.migrationsExecuted > 0) {
                LOG.info("Migrated tables {}* on {} to version {}", tables.prefix(), WHERE,
                        result.targetSchemaVersion);
            }
            return version;
        } catch (SQLException | RuntimeException e) {
            throw Failures.translate("start (schema migration) on " + WHERE, e);
        }
    }

    private static void warnOnDifferentSession(Connection connection) throws SQLException {
        if (connection.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
            LOG.warn("The MySQL adapter runs on {}, whose connections are not READ COMMITTED: appends and ack upserts "
                    + "take more gap locks and may deadlock (and retry) more often; set the pool's transaction "
                    + "isolation to TRANSACTION_READ_COMMITTED (Spring Boot with HikariCP: "
                    + "spring.datasource.hikari.transaction-isolation)", WHERE);
        }
        String sqlMode;
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT @@SESSION.sql_mode")) {
            result.next();
            sqlMode = result.getString(1);
        }
        String mode = sqlMode == null ? "" : sqlMode.toUpperCase(Locale.ROOT);
        if (!mode.contains("STRICT_ALL_TABLES") && !mode.contains("STRICT_TRANS_TABLES")) {
            LOG.warn("The MySQL adapter runs on {}, whose sessions are not in strict SQL mode (sql_mode {}): the "
                    + "server may truncate an oversized value instead of refusing it; add STRICT_TRANS_TABLES to the "
                    + "server's or the pool's sql_mode", WHERE, sqlMode);
        }
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
