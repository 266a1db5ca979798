package io.eventsource.adapter.redis;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.ports.Credentials;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the service registry lives and how to talk to it: the Redis server, the namespace in front of every
 * key ({@code {ns}eventsourceServices}, {@code {ns}ProductServicesHealthChecks}), the connection pool and the
 * timeouts.
 *
 * @param uri            {@code redis://[user:password@]host[:port][/database]}, or {@code rediss://...} for TLS;
 *                       the port defaults to 6379 and the database to 0. {@code :password@} gives a password
 *                       alone (the {@code default} user); an {@code @}, {@code /}, {@code :}, {@code ?}, {@code #}
 *                       or {@code %} in the password is written percent-encoded ({@code %40}, {@code %2F},
 *                       {@code %3A}, {@code %3F}, {@code %23}, {@code %25}). The password is never printed:
 *                       {@link #toString()}, messages and log lines show the address through
 *                       {@link Credentials#redact}.
 * @param namespace      the prefix of every key, so that environments and test runs never see each other's keys
 * @param poolSize       the most connections open at once, 1-1024
 * @param connectTimeout how long to wait for a connection, positive and under 24 days
 * @param socketTimeout  how long to wait for a reply, positive and under 24 days
 */
public record RedisSettings(URI uri, Namespace namespace, int poolSize, Duration connectTimeout,
                            Duration socketTimeout) {
    /** The variable that overrides the server's address. */
    public static final String URI_VARIABLE = "EVENTSOURCE_REDIS_URI";
    /** The variable that sets the namespace (empty or unset: none). */
    public static final String NAMESPACE_VARIABLE = "EVENTSOURCE_NAMESPACE";
    /** The Redis on loopback that development and build machines run. */
    public static final URI LOCAL = URI.create("redis://127.0.0.1:6379");
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final int MAX_POOL_SIZE = 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(2);

    private static final String FORM = "redis://[user:password@]host[:port][/database] or rediss://... (TLS)";
    private static final String ENCODING = "an '@', '/', ':', '?', '#' or '%' in the password must be"
            + " percent-encoded (%40, %2F, %3A, %3F, %23, %25)";

    public RedisSettings {
        checkUri(uri);
        uri = withDefaultPort(uri);
        Objects.requireNonNull(namespace, "namespace");
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            throw new InvalidValueException("RedisSettings poolSize must be 1-" + MAX_POOL_SIZE + ", got " + poolSize);
        }
        checkTimeout("connectTimeout", connectTimeout);
        checkTimeout("socketTimeout", socketTimeout);
    }

    /** The local Redis ({@value #DEFAULT_POOL_SIZE} connections, 2 s timeouts) under the namespace. */
    public static RedisSettings local(Namespace namespace) {
        return new RedisSettings(LOCAL, namespace, DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT);
    }

    /**
     * Settings from {@code EVENTSOURCE_REDIS_URI} (default {@code redis://127.0.0.1:6379}) and
     * {@code EVENTSOURCE_NAMESPACE} (default none), with the default pool and timeouts.
     *
     * @throws InvalidValueException naming the variable, if a value is malformed
     */
    public static RedisSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Settings from the given variables, as {@link #fromEnvironment()} reads them from the process.
     *
     * @throws InvalidValueException naming the variable, if a value is malformed
     */
    public static RedisSettings fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        String uriText = environment.get(URI_VARIABLE);
        URI uri = uriText == null || uriText.isBlank() ? LOCAL : parse(URI_VARIABLE, uriText.trim());
        Namespace namespace;
        try {
            namespace = Namespace.parse(environment.get(NAMESPACE_VARIABLE));
        } catch (InvalidValueException e) {
            throw new InvalidValueException(NAMESPACE_VARIABLE + ": " + e.getMessage());
        }
        try {
            return local(namespace).withUri(uri);
        } catch (InvalidValueException e) {
            throw new InvalidValueException(URI_VARIABLE + ": " + e.getMessage());
        }
    }

    /**
     * Parses a Redis address.
     *
     * @throws InvalidValueException saying what form is allowed, if the text is not a Redis URI
     */
    public static URI parseUri(String text) {
        return parse("Redis URI", text);
    }

    public RedisSettings withUri(URI value) {
        return new RedisSettings(value, namespace, poolSize, connectTimeout, socketTimeout);
    }

    public RedisSettings withNamespace(Namespace value) {
        return new RedisSettings(uri, value, poolSize, connectTimeout, socketTimeout);
    }

    public RedisSettings withPoolSize(int value) {
        return new RedisSettings(uri, namespace, value, connectTimeout, socketTimeout);
    }

    public RedisSettings withTimeouts(Duration connect, Duration socket) {
        return new RedisSettings(uri, namespace, poolSize, connect, socket);
    }

    /** The address without its password ({@link Credentials#redact}), fit for logs and messages. */
    public String redactedUri() {
        return redact(uri);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "RedisSettings[uri=" + redactedUri() + ", namespace=" + namespace + ", poolSize=" + poolSize
                + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + "]";
    }

    private static URI parse(String what, String text) {
        if (text == null) {
            throw new InvalidValueException(what + " must be " + FORM + ", got null");
        }
        if (!text.contains("://")) {
            throw new InvalidValueException(what + " must be " + FORM + ", got \"" + redact(text)
                    + "\": no scheme (did you mean redis://" + redact(text) + "?)");
        }
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidValueException(what + " must be " + FORM + ", got \"" + redact(text) + "\" ("
                    + e.getReason() + " at index " + e.getIndex() + ")");
        }
    }

    private static void checkUri(URI uri) {
        if (uri == null) {
            throw new InvalidValueException("RedisSettings uri must be " + FORM + ", got null");
        }
        String problem = uriProblem(uri);
        if (problem != null) {
            throw new InvalidValueException("RedisSettings uri must be " + FORM + ", got \"" + redact(uri) + "\": "
                    + problem);
        }
    }

    private static String uriProblem(URI uri) {
        if (!"redis".equalsIgnoreCase(uri.getScheme()) && !"rediss".equalsIgnoreCase(uri.getScheme())) {
            return uri.getScheme() == null ? "no scheme" : "scheme \"" + uri.getScheme() + "\" is not redis or rediss";
        }
        // with a secret in the text, no piece of it is shown on its own: java.net.URI may have cut the password
        // at an unencoded '/', '?' or '#' and put its tail in what it calls the path or the authority
        boolean secret = Credentials.holdsSecret(uri.toString());
        if (uri.getHost() == null) {
            // java.net.URI leaves host null when the authority is not [user-info@]host[:port]: a port that is not a
            // number, a '_' in the host name, an unencoded '@' in the password, no host
            if (uri.getRawAuthority() == null) {
                return "no host";
            }
            if (secret) {
                return "the authority is not [user:password@]host[:port] (" + ENCODING + "; a host name takes no '_')";
            }
            return "\"" + uri.getRawAuthority() + "\" is not host[:port]"
                    + (uri.getRawAuthority().contains("_") ? " (a host name takes no '_')" : "");
        }
        if (secret && uri.getRawUserInfo() == null) {
            // e.g. redis://app:12/x@host: java.net.URI reads host "app", port 12 and a path
            return "the password is not where the user information goes (" + ENCODING + ")";
        }
        if (uri.getRawUserInfo() != null && !uri.getRawUserInfo().contains(":")) {
            return "the user information has no ':' (write user:password@, or :password@ for a password alone)";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            return "port " + uri.getPort() + " is outside 1-65535";
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,5}")) {
            return secret ? "the path is not a database number (" + ENCODING + ")"
                    : "the path \"" + path + "\" is not a database number";
        }
        return null;
    }

    private static URI withDefaultPort(URI uri) {
        if (uri.getPort() != -1) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), uri.getRawUserInfo(), uri.getHost(), 6379, uri.getRawPath(),
                    uri.getRawQuery(), uri.getRawFragment());
        } catch (URISyntaxException e) {
            throw new InvalidValueException("RedisSettings uri must be " + FORM + ", got \"" + redact(uri) + "\": "
                    + e.getReason());
        }
    }

    private static void checkTimeout(String name, Duration timeout) {
        Objects.requireNonNull(timeout, name);
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new InvalidValueException("RedisSettings " + name + " must be positive and at most "
                    + Duration.ofMillis(Integer.MAX_VALUE) + ", got " + timeout);
        }
    }

    private static String redact(URI uri) {
        return Credentials.redact(uri.toString());
    }

    private static String redact(String text) {
        return Credentials.redact(text);
    }
}
