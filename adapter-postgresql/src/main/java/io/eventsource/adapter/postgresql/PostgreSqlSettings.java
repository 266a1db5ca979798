package io.eventsource.adapter.postgresql;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.ports.Credentials;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the PostgreSQL adapter reaches its database and how it writes: the connection, the pool, the payload
 * limit of the event log, the batching of ack writes, and the prefix of its tables.
 *
 * @param jdbcUrl a PostgreSQL JDBC URL, {@code jdbc:postgresql://host:port/database}, without credentials: the user
 *                and password are the two settings below, and a URL with a {@code user:password@} (or any other
 *                {@code @}: write it {@code %40}) or a parameter such as {@code password=} is refused, since the URL
 *                is printed in messages and by Hibernate at start-up; and without {@code ssl}, {@code sslmode} or
 *                {@code sslfactory}, since TLS is the {@code tls} setting, and without {@code user}, which is the setting below
 * @param user the database user
 * @param password the user's password (never printed by {@link #toString()}, never in a message or log line)
 * @param tls how the connection is protected, see {@link Tls}; {@link #of} and {@link #fromEnvironment()} choose
 *            {@link Tls#VERIFY_IDENTITY} unless every host of the URL is a loopback address ({@code localhost},
 *            {@code 127.x.y.z}, {@code ::1}, or none), where they choose {@link Tls#DISABLED}
 * @param poolSize connections in each of the adapter's two pools (one for transactions, one for reads: up to twice as
 *                 many connections to the server), 1-{@value #MAX_POOL_SIZE}
 * @param payloadLimit the largest event payload accepted, in bytes, 1-{@value #MAX_PAYLOAD_LIMIT}
 *                     (the MySQL adapter's largest); a larger payload is refused with a
 *                     {@link io.eventsource.domain.PayloadTooLargeException} before anything is written
 * @param ackBatchSize the most acks written in one transaction, 1-{@value #MAX_ACK_BATCH_SIZE} (a single
 *                     {@code record} call larger than this is still written in one transaction)
 * @param ackFlushInterval how long an idle ack writer waits for more acks before writing what it has,
 *                         0-1 s; zero writes as soon as the previous write ends
 * @param tablePrefix put in front of every table name: 1-{@value #MAX_PREFIX_LENGTH} characters of
 *                    {@code [a-z0-9_]} starting with a letter, such as {@code es_} (the default) or
 *                    {@code staging_es_}: environments sharing a database keep apart by prefix
 */
public record PostgreSqlSettings(String jdbcUrl, String user, String password, Tls tls, int poolSize, int payloadLimit,
                            int ackBatchSize, Duration ackFlushInterval, String tablePrefix) {
    public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String DEFAULT_USER = "postgres";
    public static final String DEFAULT_PASSWORD = "";
    /** The variable that holds the database password (never the URL). */
    public static final String PASSWORD_VARIABLE = "EVENTSOURCE_JDBC_PASSWORD";
    /** The variable that chooses the TLS mode: {@code disabled}, {@code required} or {@code verify-identity}. */
    public static final String TLS_VARIABLE = "EVENTSOURCE_JDBC_TLS";
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final int MAX_POOL_SIZE = 200;
    /** 1 MiB, {@link PayloadLimit#DEFAULT}. */
    public static final int DEFAULT_PAYLOAD_LIMIT = PayloadLimit.DEFAULT_BYTES;
    /**
     * 16 MiB - 1, the MySQL adapter's largest (a {@code BYTEA} would hold 1 GiB): one limit for both, so that a
     * deployment moves between them without refusing events it accepted before.
     */
    public static final int MAX_PAYLOAD_LIMIT = (1 << 24) - 1;
    public static final int DEFAULT_ACK_BATCH_SIZE = 500;
    public static final int MAX_ACK_BATCH_SIZE = 5_000;
    public static final Duration DEFAULT_ACK_FLUSH_INTERVAL = Duration.ofMillis(2);
    public static final String DEFAULT_TABLE_PREFIX = "es_";
    /** Leaves room for the longest name the migrations make ({@code event_unpublished_ix}) within PostgreSQL's 63. */
    public static final int MAX_PREFIX_LENGTH = 40;

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*");
    /** The driver's own TLS switches, which would contradict the tls setting. */
    private static final Pattern TLS_PARAMETER = Pattern.compile(
            "(?i)(?:[?&(,]|^)\\s*(ssl|sslmode|sslfactory)\\s*=");
    /** The driver lets a URL parameter win over the user the adapter passes: the user is a setting, not a parameter. */
    private static final Pattern USER_PARAMETER = Pattern.compile("(?i)[?&]\\s*user\\s*=");
    private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    public PostgreSqlSettings {
        checkJdbcUrl(jdbcUrl);
        if (user == null || user.isBlank()) {
            throw new InvalidValueException("PostgreSqlSettings user must not be empty");
        }
        Objects.requireNonNull(password, "password (use \"\" for none)");
        if (tls == null) {
            throw new InvalidValueException("PostgreSqlSettings tls must be one of " + Tls.VALUES + ", got null");
        }
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            throw new InvalidValueException("PostgreSqlSettings poolSize must be 1-" + MAX_POOL_SIZE + ", got " + poolSize);
        }
        if (payloadLimit < 1 || payloadLimit > MAX_PAYLOAD_LIMIT) {
            throw new InvalidValueException("PostgreSqlSettings payloadLimit must be 1-" + MAX_PAYLOAD_LIMIT
                    + " bytes, got " + payloadLimit);
        }
        if (ackBatchSize < 1 || ackBatchSize > MAX_ACK_BATCH_SIZE) {
            throw new InvalidValueException("PostgreSqlSettings ackBatchSize must be 1-" + MAX_ACK_BATCH_SIZE + ", got "
                    + ackBatchSize);
        }
        if (ackFlushInterval == null || ackFlushInterval.isNegative() || ackFlushInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new InvalidValueException("PostgreSqlSettings ackFlushInterval must be 0-1 s, got " + ackFlushInterval);
        }
        if (tablePrefix == null || tablePrefix.length() > MAX_PREFIX_LENGTH || !PREFIX.matcher(tablePrefix).matches()) {
            throw new InvalidValueException("PostgreSqlSettings tablePrefix must be 1-" + MAX_PREFIX_LENGTH
                    + " characters of [a-z0-9_] starting with a letter, such as \"es_\", got "
                    + (tablePrefix == null ? "null" : "\"" + tablePrefix + "\""));
        }
    }

    /** The local defaults: {@value #DEFAULT_JDBC_URL} as postgres without a password or TLS, tables {@code es_*}. */
    public static PostgreSqlSettings defaults() {
        return of(DEFAULT_JDBC_URL, DEFAULT_USER, DEFAULT_PASSWORD);
    }

    /**
     * The given connection, with the TLS mode its hosts default to ({@link Tls#forHostsOf}: disabled on
     * loopback, verify-identity anywhere else) and every other setting at its default.
     */
    public static PostgreSqlSettings of(String jdbcUrl, String user, String password) {
        return new PostgreSqlSettings(jdbcUrl, user, password, Tls.forHostsOf(jdbcUrl), DEFAULT_POOL_SIZE,
                DEFAULT_PAYLOAD_LIMIT, DEFAULT_ACK_BATCH_SIZE, DEFAULT_ACK_FLUSH_INTERVAL, DEFAULT_TABLE_PREFIX);
    }

    /**
     * The settings from {@code EVENTSOURCE_JDBC_URL}, {@code EVENTSOURCE_JDBC_USER} and
     * {@code EVENTSOURCE_JDBC_PASSWORD}, each defaulting to the local database ({@value #DEFAULT_JDBC_URL},
     * user postgres, no password), the TLS mode of {@code EVENTSOURCE_JDBC_TLS} ({@code disabled}, {@code required}
     * or {@code verify-identity}; unset: verify-identity, or disabled if every host of the URL is a loopback
     * address), with the tables of {@code EVENTSOURCE_NAMESPACE} if set ({@link #withNamespace}) and the payload
     * limit of {@code EVENTSOURCE_MAX_PAYLOAD_BYTES} if set ({@link PayloadLimit#fromEnvironment}); every other
     * setting at its default.
     *
     * @throws InvalidValueException if a value is malformed, e.g. a URL that holds a password
     */
    public static PostgreSqlSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the given variables instead of the process's. */
    public static PostgreSqlSettings fromEnvironment(Map<String, String> environment) {
        PostgreSqlSettings settings;
        try {
            settings = of(variable(environment, "EVENTSOURCE_JDBC_URL", DEFAULT_JDBC_URL),
                    variable(environment, "EVENTSOURCE_JDBC_USER", DEFAULT_USER),
                    environment.getOrDefault(PASSWORD_VARIABLE, DEFAULT_PASSWORD));
        } catch (InvalidValueException e) {
            // the user and password have defaults and any value will do: it is the URL
            throw new InvalidValueException("EVENTSOURCE_JDBC_URL: " + e.getMessage());
        }
        String tls = variable(environment, TLS_VARIABLE, "");
        if (!tls.isEmpty()) {
            settings = settings.withTls(Tls.parse(TLS_VARIABLE, tls));
        }
        Namespace namespace;
        try {
            namespace = Namespace.parse(environment.get("EVENTSOURCE_NAMESPACE"));
        } catch (InvalidValueException e) {
            throw new InvalidValueException("EVENTSOURCE_NAMESPACE: " + e.getMessage());
        }
        int payloadLimit = PayloadLimit.fromEnvironment(environment).bytes();
        if (payloadLimit > MAX_PAYLOAD_LIMIT) {
            throw new InvalidValueException(PayloadLimit.VARIABLE + " must be at most " + MAX_PAYLOAD_LIMIT
                    + " bytes for the PostgreSQL adapter, got " + payloadLimit);
        }
        return settings.withNamespace(namespace).withPayloadLimit(payloadLimit);
    }

    /**
     * These settings with another JDBC URL and the TLS mode that its hosts default to ({@link Tls#forHostsOf}),
     * so that moving from a loopback URL to a remote one never keeps TLS off; choose another mode after, with
     * {@link #withTls}.
     */
    public PostgreSqlSettings withJdbcUrl(String value) {
        return new PostgreSqlSettings(value, user, password, Tls.forHostsOf(value), poolSize, payloadLimit, ackBatchSize,
                ackFlushInterval, tablePrefix);
    }

    /** These settings with another TLS mode. */
    public PostgreSqlSettings withTls(Tls value) {
        return new PostgreSqlSettings(jdbcUrl, user, password, value, poolSize, payloadLimit, ackBatchSize, ackFlushInterval,
                tablePrefix);
    }

    /** These settings with another pool size. */
    public PostgreSqlSettings withPoolSize(int value) {
        return new PostgreSqlSettings(jdbcUrl, user, password, tls, value, payloadLimit, ackBatchSize, ackFlushInterval,
                tablePrefix);
    }

    /** These settings with another payload limit, in bytes. */
    public PostgreSqlSettings withPayloadLimit(int value) {
        return new PostgreSqlSettings(jdbcUrl, user, password, tls, poolSize, value, ackBatchSize, ackFlushInterval,
                tablePrefix);
    }

    /** These settings with another ack batch size and flush interval. */
    public PostgreSqlSettings withAckBatching(int batchSize, Duration flushInterval) {
        return new PostgreSqlSettings(jdbcUrl, user, password, tls, poolSize, payloadLimit, batchSize, flushInterval,
                tablePrefix);
    }

    /**
     * The tables of a namespace, {@link Namespace#tablePrefix()}: {@code staging.} gives {@code staging_es_}, and
     * {@link Namespace#NONE} {@value #DEFAULT_TABLE_PREFIX}. Distinct namespaces never share a table (a prefix set
     * by hand with {@link #withTablePrefix} is outside that promise).
     */
    public PostgreSqlSettings withNamespace(Namespace namespace) {
        return withTablePrefix(namespace.tablePrefix());
    }

    /** These settings with another table prefix. */
    public PostgreSqlSettings withTablePrefix(String value) {
        return new PostgreSqlSettings(jdbcUrl, user, password, tls, poolSize, payloadLimit, ackBatchSize, ackFlushInterval,
                value);
    }

    /** Everything but the password. */
    @Override
    public String toString() {
        return "PostgreSqlSettings[jdbcUrl=" + Credentials.redact(jdbcUrl) + ", user=" + user + ", password="
                + Credentials.MASK + ", tls=" + tls + ", poolSize=" + poolSize + ", payloadLimit=" + payloadLimit
                + ", ackBatchSize=" + ackBatchSize + ", ackFlushInterval=" + ackFlushInterval + ", tablePrefix="
                + tablePrefix + "]";
    }

    /**
     * How the connection to the database is protected: the driver's {@code sslmode}, set explicitly on every
     * connection (never {@code prefer}, the driver's default, which falls back to plain TCP unnoticed). A TLS failure (a server without TLS, a certificate that is not trusted or does not name
     * the host) is a {@link io.eventsource.ports.PermanentPortException} that says TLS.
     */
    public enum Tls {
        /** Plain TCP: for loopback, or a network where nobody can listen or stand in between. */
        DISABLED("disabled"),
        /**
         * Encrypted, or no connection; the server's certificate is not checked, so this keeps out a listener
         * but not a machine that stands in for the server.
         */
        REQUIRED("required"),
        /**
         * Encrypted, or no connection, to a server whose certificate is signed by a trusted authority and names
         * the host of the URL ({@code sslmode=verify-full}; the driver reads the authority's certificate from
         * {@code ~/.postgresql/root.crt}, or the file that the URL's {@code sslrootcert} names).
         */
        VERIFY_IDENTITY("verify-identity");

        static final String VALUES = "disabled, required or verify-identity";

        private final String value;

        Tls(String value) {
            this.value = value;
        }

        /** The name {@code EVENTSOURCE_JDBC_TLS} takes: {@code disabled}, {@code required} or {@code verify-identity}. */
        public String value() {
            return value;
        }

        /** The driver's {@code sslmode} for this mode. */
        String sslMode() {
            return switch (this) {
                case DISABLED -> "disable";
                case REQUIRED -> "require";
                case VERIFY_IDENTITY -> "verify-full";
            };
        }

        /**
         * The mode named by {@code text} ({@code disabled}, {@code required} or {@code verify-identity}, in any
         * case; {@code _} for {@code -} is accepted).
         *
         * @param what the variable or setting the text came from, for the message
         * @throws InvalidValueException naming {@code what} and the allowed values otherwise
         */
        public static Tls parse(String what, String text) {
            String normalized = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Tls mode : values()) {
                if (mode.value.equals(normalized)) {
                    return mode;
                }
            }
            throw new InvalidValueException(what + " must be " + VALUES + ", got "
                    + (text == null ? "null" : "\"" + text + "\""));
        }

        /**
         * The default for a URL: {@link #DISABLED} if every host it names is a loopback address
         * ({@code localhost}, {@code 127.x.y.z}, {@code ::1}),
         * {@link #VERIFY_IDENTITY} otherwise, and for any URL whose hosts it cannot read (such as
         * {@code jdbc:postgresql:database}, which names none). No name is resolved.
         */
        public static Tls forHostsOf(String jdbcUrl) {
            Optional<List<String>> hosts = hostsOf(jdbcUrl);
            if (hosts.isEmpty() || hosts.get().isEmpty()) {
                return VERIFY_IDENTITY;
            }
            for (String hostAndPort : hosts.get()) {
                if (!isLoopback(host(hostAndPort))) {
                    return VERIFY_IDENTITY;
                }
            }
            return DISABLED;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    private static void checkJdbcUrl(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new InvalidValueException("PostgreSqlSettings jdbcUrl must be a PostgreSQL JDBC URL such as "
                    + DEFAULT_JDBC_URL + ", got " + (jdbcUrl == null ? "null" : "\"" + Credentials.redact(jdbcUrl) + "\""));
        }
        if (Credentials.holdsSecret(jdbcUrl)) {
            // the URL is not shown: a password with an unencoded separator could outrun the redaction
            throw new InvalidValueException("PostgreSqlSettings jdbcUrl must not hold credentials (a user:password@ or user@"
                    + " before the host, or a parameter such as password= or sslpassword=), since"
                    + " the URL is printed in messages and by Hibernate at start-up: give the password in "
                    + PASSWORD_VARIABLE + " (PostgreSqlSettings.password) and the user in EVENTSOURCE_JDBC_USER, a client key's"
                    + " password in the JVM's javax.net.ssl.* properties, and write any other '@' in the URL as %40"
                    + " (the URL is not shown here, lest part of the password show)");
        }
        Matcher tlsParameter = TLS_PARAMETER.matcher(jdbcUrl);
        if (tlsParameter.find()) {
            throw new InvalidValueException("PostgreSqlSettings jdbcUrl must not set " + tlsParameter.group(1)
                    + ": TLS is the tls setting (" + TLS_VARIABLE + ": " + Tls.VALUES + "), got \""
                    + Credentials.redact(jdbcUrl) + "\"");
        }
        if (USER_PARAMETER.matcher(jdbcUrl).find()) {
            throw new InvalidValueException("PostgreSqlSettings jdbcUrl must not set user: the user is its own setting"
                    + " (EVENTSOURCE_JDBC_USER, PostgreSqlSettings.user), got \"" + Credentials.redact(jdbcUrl) + "\"");
        }
        for (String hostAndPort : hostsOf(jdbcUrl).orElse(List.of())) {
            String port = port(hostAndPort);
            if (port != null && !isPort(port)) {
                throw new InvalidValueException("PostgreSqlSettings jdbcUrl port must be a number 1-65535, got \"" + port
                        + "\" in \"" + Credentials.redact(jdbcUrl) + "\"");
            }
        }
    }

    /**
     * The {@code host[:port]} entries of a URL ({@code jdbc:postgresql://h1[:p1],h2[:p2]/db?...}, IPv6 in
     * brackets); empty when there is no {@code //} (a URL that names no host).
     */
    private static Optional<List<String>> hostsOf(String jdbcUrl) {
        if (jdbcUrl == null) {
            return Optional.empty();
        }
        int slashes = jdbcUrl.indexOf("//");
        if (slashes < 0) {
            return Optional.empty();
        }
        int end = slashes + 2;
        boolean inBrackets = false;
        while (end < jdbcUrl.length()) {
            char c = jdbcUrl.charAt(end);
            if (c == '[') {
                inBrackets = true;
            } else if (c == ']') {
                inBrackets = false;
            } else if (!inBrackets && (c == '/' || c == '?' || c == '#')) {
                break;
            }
            end++;
        }
        String authority = jdbcUrl.substring(slashes + 2, end);
        if (authority.contains("(") || authority.contains("=") || authority.contains("@")) {
            return Optional.empty();
        }
        List<String> hosts = new ArrayList<>();
        for (String entry : authority.split(",", -1)) {
            String hostAndPort = entry.trim();
            if (hostAndPort.startsWith("[") ? hostAndPort.indexOf(']') < 0 || hostAndPort.indexOf('[', 1) >= 0
                    : hostAndPort.contains("[") || hostAndPort.contains("]")) {
                return Optional.empty(); // a bracketed host list, not an IPv6 address
            }
            hosts.add(hostAndPort);
        }
        return Optional.of(hosts);
    }

    private static String host(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            return hostAndPort.substring(1, hostAndPort.indexOf(']'));
        }
        int colon = hostAndPort.indexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    /** The port of a {@code host:port} entry, or null if it names none. */
    private static String port(String hostAndPort) {
        int from = hostAndPort.startsWith("[") ? hostAndPort.indexOf(']') + 1 : 0;
        int colon = hostAndPort.indexOf(':', from);
        return colon < 0 ? null : hostAndPort.substring(colon + 1);
    }

    private static boolean isPort(String text) {
        return text.matches("\\d{1,5}") && Integer.parseInt(text) >= 1 && Integer.parseInt(text) <= 65_535;
    }

    private static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.isEmpty() || name.equals("localhost") || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1")
                || LOOPBACK_IPV4.matcher(name).matches();
    }

    private static String variable(Map<String, String> environment, String name, String fallback) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
