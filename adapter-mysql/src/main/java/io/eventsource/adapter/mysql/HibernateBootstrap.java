package io.eventsource.adapter.mysql;

import io.eventsource.adapter.mysql.entity.AckRow;
import io.eventsource.adapter.mysql.entity.Columns;
import io.eventsource.adapter.mysql.entity.EventRow;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.ports.Credentials;
import io.eventsource.ports.PermanentPortException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.api.output.MigrateResult;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.dialect.DatabaseVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the adapter's database side: runs the migrations (Flyway), then builds the SessionFactory over a
 * HikariCP pool, programmatically (no persistence.xml, no scanning) and with Hibernate validating the
 * mapping against the migrated tables.
 *
 * <p>Nothing it prints holds the password: the settings refuse a URL with credentials, and the URL is redacted
 * wherever it is printed all the same. What Hibernate and HikariCP print at start-up (Hibernate's
 * {@code HHH10001005} lists the URL, the pool and the server) holds no secret either, and the password reaches them
 * only as a property.
 */
final class HibernateBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(HibernateBootstrap.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /**
     * How long a statement on a pool's connection waits for the server's answer before it fails as transient: far
     * longer than any of the adapter's statements takes, far shorter than forever.
     */
    static final int SOCKET_TIMEOUT_MILLIS = 60_000;
    /** How long a caller waits for a connection of a pool before a transient failure. */
    static final String CONNECTION_TIMEOUT_MILLIS = "5000";
    /** The last x.y.z before "-MariaDB": skips the "5.5.5-" that the MySQL protocol puts in front. */
    private static final Pattern MARIADB_VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)-MariaDB");
    /**
     * What an event's insert statement holds beside its payload and metadata: the statement's text, the ids, names and
     * numbers, generously.
     */
    private static final int INSERT_OVERHEAD = 4_096;

    private HibernateBootstrap() {
    }

    /**
     * @throws io.eventsource.ports.TransientPortException if the database cannot be reached
     * @throws io.eventsource.ports.PermanentPortException if it refuses the user, TLS cannot be established, the
     *         schema does not fit, or its {@code max_allowed_packet} is too small for the payload limit
     */
    static SessionFactory open(MySqlSettings settings) {
        return open(settings, Map.of());
    }

    /** As {@link #open(MySqlSettings)}, with Hibernate / HikariCP properties overridden (for tests). */
    static SessionFactory open(MySqlSettings settings, Map<String, String> overrides) {
        Tables tables = Tables.of(settings);
        String serverVersion = migrate(settings, tables);
        try {
            Configuration configuration = configuration(settings, tables);
            overrides.forEach(configuration::setProperty);
            mariaDbVersion(serverVersion).ifPresent(version ->
                    configuration.getProperties().put("hibernate.dialect", new MariaDbOverConnectorJ(version)));
            SessionFactory sessionFactory = configuration.buildSessionFactory();
            LOG.info("MySQL adapter ready on {} as {} with TLS {} and tables {}*", Credentials.redact(settings.jdbcUrl()),
                    settings.user(), settings.tls(), tables.prefix());
            return sessionFactory;
        } catch (RuntimeException e) {
            throw Failures.translate("start (Hibernate bootstrap and schema validation) on " + where(settings), e);
        }
    }

    /**
     * The adapter's pool of connections for reads, beside the SessionFactory's: in autocommit, so that a read sends no
     * {@code COMMIT} after its statements ({@link Sessions}), and read-only, so that nothing writes through it. It
     * connects on first use: the SessionFactory's start has just checked the database.
     *
     * @param connectionTimeout how long a read waits for a connection before it fails as transient
     */
    static HikariDataSource readPool(MySqlSettings settings, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("eventsource-mysql-reads-" + Tables.of(settings).prefix());
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        poolDriverProperties(settings).forEach((key, value) -> config.addDataSourceProperty(key.toString(), value));
        config.getDataSourceProperties().remove("user");
        config.getDataSourceProperties().remove("password");
        config.setAutoCommit(true);
        config.setReadOnly(true);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** The MariaDB version in a server version string such as "5.5.5-10.11.19-MariaDB-0+deb12u1"; empty for MySQL. */
    static Optional<DatabaseVersion> mariaDbVersion(String serverVersion) {
        if (serverVersion == null || !serverVersion.contains("MariaDB")) {
            return Optional.empty();
        }
        Matcher matcher = MARIADB_VERSION.matcher(serverVersion);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(DatabaseVersion.make(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3))));
    }

    /** Runs the migrations; returns the server's version string. */
    static String migrate(MySqlSettings settings, Tables tables) {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), driverProperties(settings))) {
            String version = connection.getMetaData().getDatabaseProductVersion();
            checkPacketSize(settings, maxAllowedPacket(connection));
            MigrateResult result = FlywayMigrations.run(settings, tables);
            if (result.migrationsExecuted > 0) {
                LOG.info("Migrated tables {}* on {} to version {}", tables.prefix(),
                        Credentials.redact(settings.jdbcUrl()), result.targetSchemaVersion);
            }
            return version;
        } catch (SQLException | RuntimeException e) {
            throw Failures.translate("start (schema migration) on " + where(settings), e);
        }
    }

    private static long maxAllowedPacket(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT @@max_allowed_packet")) {
            result.next();
            return result.getLong(1);
        }
    }

    /**
     * The largest statement that appending one event of the payload limit sends: mysql-connector-j writes a payload
     * hex-encoded (measured: a 9 MiB payload makes an 18,874,616-byte packet, whatever its bytes), and a string with
     * every character escaped takes twice its bytes, metadata included.
     */
    static long packetNeeded(int payloadLimit) {
        return 2L * payloadLimit + 2L * Columns.METADATA + INSERT_OVERHEAD;
    }

    /** The largest payload limit whose insert fits in the server's {@code max_allowed_packet}. */
    static long largestPayloadLimit(long maxAllowedPacket) {
        return Math.max(0, (maxAllowedPacket - 2L * Columns.METADATA - INSERT_OVERHEAD) / 2);
    }

    /**
     * Refuses to start where an event within the payload limit could not be written: the server would refuse its
     * insert as a packet too large, a permanent failure of every publish of such an event.
     */
    static void checkPacketSize(MySqlSettings settings, long maxAllowedPacket) {
        long needed = packetNeeded(settings.payloadLimit());
        if (needed > maxAllowedPacket) {
            throw new PermanentPortException("MySQL server's max_allowed_packet on " + where(settings) + " is "
                    + maxAllowedPacket + " bytes, but an event within the payload limit of " + settings.payloadLimit()
                    + " bytes (" + HibernateEventLog.LIMIT_SETTING + ", " + PayloadLimit.VARIABLE + ") needs " + needed
                    + " (the driver sends a payload hex-encoded, at twice its size, with its metadata): raise"
                    + " max_allowed_packet on the server (SET GLOBAL max_allowed_packet = " + needed + ", and in its"
                    + " configuration file) or lower the payload limit to at most " + largestPayloadLimit(maxAllowedPacket)
                    + " bytes");
        }
    }

    /** The URL, user and TLS mode, for messages. */
    static String where(MySqlSettings settings) {
        return Credentials.redact(settings.jdbcUrl()) + " as " + settings.user() + " with TLS " + settings.tls();
    }

    static Configuration configuration(MySqlSettings settings, Tables tables) {
        Configuration configuration = new Configuration()
                .addAnnotatedClass(EventRow.class)
                .addAnnotatedClass(AckRow.class);
        configuration.setPhysicalNamingStrategy(new TablePrefixNamingStrategy(tables.prefix()));
        configuration.setProperties(hibernateProperties(settings));
        return configuration;
    }

    static Properties hibernateProperties(MySqlSettings settings) {
        Properties properties = new Properties();
        properties.setProperty("hibernate.connection.url", settings.jdbcUrl());
        properties.setProperty("hibernate.connection.username", settings.user());
        properties.setProperty("hibernate.connection.password", settings.password());
        // by class name: hibernate-hikaricp is a runtime dependency, not a module this one reads
        properties.setProperty("hibernate.connection.provider_class", "org.hibernate.hikaricp.internal.HikariCPConnectionProvider");
        properties.setProperty("hibernate.connection.pool_size", Integer.toString(settings.poolSize()));
        // fewer gap locks than REPEATABLE READ, so fewer deadlocks between concurrent appends and ack upserts;
        // every read that decides a write is protected by a unique key, not by a snapshot
        properties.setProperty("hibernate.connection.isolation", "TRANSACTION_READ_COMMITTED");
        // the pool hands out connections with autocommit off: Hibernate skips toggling it per transaction
        properties.setProperty("hibernate.connection.autocommit", "false");
        properties.setProperty("hibernate.connection.provider_disables_autocommit", "true");
        properties.setProperty("hibernate.hikari.poolName", "eventsource-mysql-" + settings.tablePrefix());
        properties.setProperty("hibernate.hikari.minimumIdle", "1");
        // how long a caller waits for a connection before a transient failure
        properties.setProperty("hibernate.hikari.connectionTimeout", CONNECTION_TIMEOUT_MILLIS);
        // refuse rather than truncate an oversized value, whatever the server's default sql_mode
        properties.setProperty("hibernate.hikari.connectionInitSql",
                "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')");
        poolDriverProperties(settings).forEach((key, value) ->
                properties.setProperty("hibernate.hikari.dataSource." + key, value.toString()));
        properties.remove("hibernate.hikari.dataSource.user");
        properties.remove("hibernate.hikari.dataSource.password");
        // the migrations own the schema; Hibernate only checks that the mapping fits it
        properties.setProperty("hibernate.hbm2ddl.auto", "validate");
        // read the metadata of our tables only: the default ("grouped") reads every table of the schema, which is slow
        // where the schema is shared (an application's own database) and fails when another process drops one of its
        // tables meanwhile (seen: "Table 'test.replay_..._es_ack' doesn't exist" while another test cleaned up)
        properties.setProperty("hibernate.hbm2ddl.jdbc_metadata_extraction_strategy", "individually");
        properties.setProperty("hibernate.jdbc.batch_size", "100");
        properties.setProperty("hibernate.show_sql", "false");
        return properties;
    }

    /**
     * mysql-connector-j properties. The user, the password and the TLS mode always come from the settings; a
     * parameter of the user's JDBC URL overrides any other (the driver lets a property win over the URL, so a
     * property that the URL sets is left out).
     */
    static Properties driverProperties(MySqlSettings settings) {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MILLIS));
        properties.setProperty("characterEncoding", "UTF-8");
        // one round trip for a JDBC batch (the benchmark's baseline, Hibernate's batches)
        properties.setProperty("rewriteBatchedStatements", "true");
        properties.setProperty("cachePrepStmts", "true");
        properties.setProperty("prepStmtCacheSize", "250");
        // the longest hot text, a log read of 256 ranges (ListShapes), is about 21,000 characters
        properties.setProperty("prepStmtCacheSqlLimit", "32768");
        // no round trip to ask the server for autocommit / isolation / read-only state the driver already knows
        properties.setProperty("useLocalSessionState", "true");
        properties.setProperty("cacheServerConfiguration", "true");
        properties.setProperty("maintainTimeStats", "false");
        Set<String> inUrl = urlParameterNames(settings.jdbcUrl());
        properties.stringPropertyNames().forEach(name -> {
            if (inUrl.contains(name.toLowerCase(Locale.ROOT))) {
                properties.remove(name);
            }
        });
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        // explicit, whatever the driver's default: the settings refuse a URL that sets it
        properties.setProperty("sslMode", settings.tls().sslMode());
        return properties;
    }

    /**
     * The driver properties of the pools' connections: {@link #driverProperties}, and a socket timeout of
     * {@value #SOCKET_TIMEOUT_MILLIS} ms unless the URL sets one. Without it a statement on a connection that died
     * without a word (a server or a network gone, no reset sent) waits for its answer forever, and so does the thread
     * that sent it (the ack writer, a delivery's read); with it the statement fails as transient and the pool drops the
     * connection. The migrations' connections have none: a migration may rightly take long.
     */
    static Properties poolDriverProperties(MySqlSettings settings) {
        Properties properties = driverProperties(settings);
        if (!urlParameterNames(settings.jdbcUrl()).contains("sockettimeout")) {
            properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_MILLIS));
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
