package io.eventsource.adapter.postgresql;

import io.eventsource.tck.services.RealService;
import org.hibernate.SessionFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Tables of their own for one test class, under the prefix {@code es_it_<random>_}, in the database found by
 * {@link #POSTGRESQL} ({@code EVENTSOURCE_POSTGRESQL_URL}, a variable of the tests only, since on CI
 * {@code EVENTSOURCE_JDBC_URL} may name the MySQL server; or the local server); dropped by {@link #close()}.
 */
final class TestDatabase implements AutoCloseable {
    /** PostgreSQL: the local server with trust authentication, database {@code test}. */
    static final RealService POSTGRESQL = new RealService("PostgreSQL", "EVENTSOURCE_POSTGRESQL_URL",
            URI.create(PostgreSqlSettings.DEFAULT_JDBC_URL),
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");

    private final PostgreSqlSettings settings;

    private TestDatabase(PostgreSqlSettings settings) {
        this.settings = settings;
    }

    /** A fresh prefix; skips the test class (or fails it on CI) when no server can be found. */
    static TestDatabase create() {
        URI located = POSTGRESQL.locate();
        String prefix = "es_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
        // the environment's user, password and TLS mode only when its URL is PostgreSQL's (on CI it may be MySQL's)
        String url = System.getenv("EVENTSOURCE_JDBC_URL");
        PostgreSqlSettings base = url != null && url.startsWith("jdbc:postgresql:") ? PostgreSqlSettings.fromEnvironment()
                : PostgreSqlSettings.defaults();
        return new TestDatabase(base.withJdbcUrl(located.toString()).withTls(base.tls()).withPoolSize(4)
                .withTablePrefix(prefix));
    }

    PostgreSqlSettings settings() {
        return settings;
    }

    String prefix() {
        return settings.tablePrefix();
    }

    SessionFactory open(PostgreSqlSettings settings) {
        return HibernateBootstrap.open(settings);
    }

    /** A plain connection to this database, outside the adapter. */
    Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        return DriverManager.getConnection(settings.jdbcUrl(), properties);
    }

    void execute(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Drops every table of the prefix (and its indexes and constraints with them). */
    @Override
    public void close() {
        for (String name : Tables.NAMES) {
            execute("DROP TABLE IF EXISTS " + settings.tablePrefix() + name);
        }
    }

    /** The URL with its host and port replaced by {@code through} (a proxy's), path and query parameters kept. */
    static String through(String jdbcUrl, InetSocketAddress through) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        return "jdbc:" + uri.getScheme() + "://" + through.getHostString() + ":" + through.getPort() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /**
     * The adapter's database on {@code settings}, whose callers wait 1 s rather than 5 for a connection that cannot
     * come; the ports made on it close it with the last of them.
     */
    static HibernateDatabase quickToGiveUp(PostgreSqlSettings settings) {
        return new HibernateDatabase(settings, Map.of("hibernate.hikari.connectionTimeout", "1000"));
    }

    /**
     * {@code settings} as a user the server refuses for good. The local server trusts every connection from loopback
     * and takes any password there, so a wrong password would be let in: a role that does not exist is refused
     * whatever the authentication method (SQLState 28000, invalid authorization).
     */
    static PostgreSqlSettings asUnknownUser(PostgreSqlSettings settings) {
        return new PostgreSqlSettings(settings.jdbcUrl(), "es_no_such_role_" + UUID.randomUUID().toString().substring(0, 8)
                .replace("-", ""), "not-the-password", settings.tls(), 1, settings.payloadLimit(), settings.ackBatchSize(),
                settings.ackFlushInterval(), settings.tablePrefix());
    }
}
