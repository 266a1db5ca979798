package io.eventsource.tck.services;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A real service an integration test needs, and how to find it, in this order:
 * <ol>
 *   <li>the environment variable (e.g. {@code EVENTSOURCE_AMQP_URI}): used as given, and a failure to
 *       reach it is reported, never skipped;</li>
 *   <li>the local default (e.g. {@code amqp://guest:guest@127.0.0.1:5672}), if its port answers;</li>
 *   <li>a container, if the test supplies a starter and a Docker engine runs (Testcontainers);</li>
 *   <li>otherwise the test is skipped with a message saying how to provide the service, unless
 *       {@code CI=true} or {@code -Dit.required=true}: then it fails.</li>
 * </ol>
 *
 * @param name what the service is, for messages ({@code RabbitMQ})
 * @param environmentVariable the variable that overrides the address
 * @param localDefault the address tried when the variable is unset
 * @param howToStart a hint for the skip message ({@code rabbitmq-server -detached})
 */
public record RealService(String name, String environmentVariable, URI localDefault, String howToStart) {
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    public RealService {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(environmentVariable, "environmentVariable");
        Objects.requireNonNull(localDefault, "localDefault");
        Objects.requireNonNull(howToStart, "howToStart");
    }

    /** RabbitMQ: {@code EVENTSOURCE_AMQP_URI}, default {@code amqp://guest:guest@127.0.0.1:5672}. */
    public static final RealService RABBITMQ = new RealService("RabbitMQ", "EVENTSOURCE_AMQP_URI",
            URI.create("amqp://guest:guest@127.0.0.1:5672"), "rabbitmq-server -detached");

    /** Redis: {@code EVENTSOURCE_REDIS_URI}, default {@code redis://127.0.0.1:6379}. */
    public static final RealService REDIS = new RealService("Redis", "EVENTSOURCE_REDIS_URI",
            URI.create("redis://127.0.0.1:6379"), "redis-server --daemonize yes --port 6379");

    /** MySQL/MariaDB: {@code EVENTSOURCE_JDBC_URL}, default {@code jdbc:mysql://127.0.0.1:3306/test}. */
    public static final RealService MYSQL = new RealService("MySQL/MariaDB", "EVENTSOURCE_JDBC_URL",
            URI.create("jdbc:mysql://127.0.0.1:3306/test"),
            "start MariaDB, then: mariadb -uroot -e \"CREATE USER IF NOT EXISTS 'eventsource'@'127.0.0.1' IDENTIFIED BY 'eventsource'; GRANT ALL ON test.* TO 'eventsource'@'127.0.0.1'\"");

    /** Whether a missing service fails the build rather than skipping its tests. */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("it.required");
    }

    /** The service's address, from the environment or the local default; skips or fails the test if neither answers. */
    public URI locate() {
        return locate(Optional::empty);
    }

    /**
     * The service's address, with a container as the third choice.
     *
     * @param container starts a container and returns its address, or empty when no Docker engine runs;
     *                  only called when neither the environment nor the local default has the service
     */
    public URI locate(Supplier<Optional<URI>> container) {
        String configured = System.getenv(environmentVariable);
        if (configured != null && !configured.isBlank()) {
            return URI.create(configured.trim());
        }
        if (answers(localDefault)) {
            return localDefault;
        }
        Optional<URI> started = container.get();
        if (started.isPresent()) {
            return started.get();
        }
        String message = name + " is not reachable at " + hostAndPort(localDefault) + " and " + environmentVariable
                + " is not set, and no Docker engine runs for Testcontainers. Start it (" + howToStart + ") or set "
                + environmentVariable + ".";
        if (required()) {
            throw new AssertionError(message + " (CI=true or -Dit.required=true: a missing service fails the build)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** Whether something accepts TCP connections at the address's host and port. */
    public static boolean answers(URI address) {
        URI hostPort = withoutJdbcPrefix(address);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort.getHost(), hostPort.getPort()), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException | IllegalArgumentException unreachable) {
            return false;
        }
    }

    private static String hostAndPort(URI address) {
        URI hostPort = withoutJdbcPrefix(address);
        return hostPort.getHost() + ":" + hostPort.getPort();
    }

    private static URI withoutJdbcPrefix(URI address) {
        String text = address.toString();
        return text.startsWith("jdbc:") ? URI.create(text.substring("jdbc:".length())) : address;
    }
}
