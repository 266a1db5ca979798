package io.eventsource.adapter.mysql;

import io.eventsource.tck.services.RealService;
import org.hibernate.SessionFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A database of its own for one test class, {@code es_it_<random>}, on the real server found by
 * {@link RealService#MYSQL} (the environment, the local MariaDB, or MySQL 8 in a container where Docker
 * runs); dropped by {@link #close()}.
 */
final class TestDatabase implements AutoCloseable {
    private static MySQLContainer<?> container;

    private final String serverUrl;
    private final String user;
    private final String password;
    private final String name;
    private final MySqlSettings settings;

    private TestDatabase(String serverUrl, String user, String password, MySqlSettings.Tls tls) {
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
        this.name = "es_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        this.settings = MySqlSettings.of(withDatabase(serverUrl, name), user, password)
                .withTls(tls)
                .withPoolSize(4);
    }

    /** A fresh database; skips the test class (or fails it on CI) when no server can be found. */
    static TestDatabase create() {
        URI located = RealService.MYSQL.locate(TestDatabase::startContainer);
        MySqlSettings fromEnvironment = MySqlSettings.fromEnvironment();
        if (container != null && located.toString().equals(containerUrl())) {
            return new TestDatabase(containerUrl(), "root", container.getPassword(),
                    MySqlSettings.Tls.forHostsOf(containerUrl()));
        }
        // the environment's TLS mode (EVENTSOURCE_JDBC_TLS, or the default for its URL's hosts)
        return new TestDatabase(located.toString(), fromEnvironment.user(), fromEnvironment.password(),
                fromEnvironment.tls());
    }

    private static synchronized Optional<URI> startContainer() {
        if (container == null) {
            boolean docker;
            try {
                docker = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                docker = false;
            }
            if (!docker) {
                return Optional.empty();
            }
            // on loopback the adapter turns TLS off itself; the key retrieval lets caching_sha2_password work without it
            container = new MySQLContainer<>("mysql:8.4").withDatabaseName("test")
                    .withUrlParam("allowPublicKeyRetrieval", "true");
            container.start();
        }
        return Optional.of(URI.create(containerUrl()));
    }

    /** The container's URL without the useSSL=false that Testcontainers adds: the settings refuse TLS switches in a URL. */
    private static String containerUrl() {
        return container.getJdbcUrl().replaceAll("([?&])useSSL=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }

    MySqlSettings settings() {
        return settings;
    }

    String name() {
        return name;
    }

    SessionFactory open(MySqlSettings settings) {
        return HibernateBootstrap.open(settings);
    }

    /** A plain connection to this database, outside the adapter. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), user, password);
    }

    void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(serverUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " on " + serverUrl + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        execute("DROP DATABASE IF EXISTS " + name);
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
    static HibernateDatabase quickToGiveUp(MySqlSettings settings) {
        return new HibernateDatabase(settings, Map.of("hibernate.hikari.connectionTimeout", "1000"));
    }

    /** The URL with its database path replaced, query parameters kept. */
    static String withDatabase(String jdbcUrl, String database) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String rebuilt = uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return "jdbc:" + rebuilt;
    }
}
