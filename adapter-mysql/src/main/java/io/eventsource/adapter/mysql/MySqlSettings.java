package io.eventsource.adapter.mysql;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the MySQL adapter reaches its database and how it writes: the connection, the pool, the payload
 * limit of the event log, the batching of ack writes, and the prefix of its tables.
 *
 * @param jdbcUrl a mysql-connector-j URL, {@code jdbc:mysql://host:port/database}
 * @param user the database user
 * @param password the user's password (never printed by {@link #toString()})
 * @param poolSize connections in the pool, 1-{@value #MAX_POOL_SIZE}
 * @param payloadLimit the largest event payload accepted, in bytes, 1-{@value #MAX_PAYLOAD_LIMIT}
 *                     (the payload column is a {@code MEDIUMBLOB}); a larger payload is refused with
 *                     {@link InvalidValueException}. The server's {@code max_allowed_packet} must admit it.
 * @param ackBatchSize the most acks written in one transaction, 1-{@value #MAX_ACK_BATCH_SIZE} (a single
 *                     {@code record} call larger than this is still written in one transaction)
 * @param ackFlushInterval how long an idle ack writer waits for more acks before writing what it has,
 *                         0-1 s; zero writes as soon as the previous write ends
 * @param tablePrefix put in front of every table name: 1-{@value #MAX_PREFIX_LENGTH} characters of
 *                    {@code [a-z0-9_]} starting with a letter, such as {@code es_} (the default) or
 *                    {@code staging_es_}: environments sharing a database keep apart by prefix
 */
public record MySqlSettings(String jdbcUrl, String user, String password, int poolSize, int payloadLimit,
                            int ackBatchSize, Duration ackFlushInterval, String tablePrefix) {
    public static final String DEFAULT_JDBC_URL = "jdbc:mysql://127.0.0.1:3306/test";
    public static final String DEFAULT_USER = "eventsource";
    public static final String DEFAULT_PASSWORD = "eventsource";
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final int MAX_POOL_SIZE = 200;
    /** 1 MiB. */
    public static final int DEFAULT_PAYLOAD_LIMIT = 1 << 20;
    /** 16 MiB - 1, the capacity of a {@code MEDIUMBLOB}. */
    public static final int MAX_PAYLOAD_LIMIT = (1 << 24) - 1;
    public static final int DEFAULT_ACK_BATCH_SIZE = 500;
    public static final int MAX_ACK_BATCH_SIZE = 5_000;
    public static final Duration DEFAULT_ACK_FLUSH_INTERVAL = Duration.ofMillis(2);
    public static final String DEFAULT_TABLE_PREFIX = "es_";
    /** Leaves room for the longest table name ({@code schema_version}) within MySQL's 64 characters. */
    public static final int MAX_PREFIX_LENGTH = 40;

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*");

    public MySqlSettings {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:mysql:")) {
            throw new InvalidValueException("MySqlSettings jdbcUrl must be a mysql-connector-j URL such as "
                    + DEFAULT_JDBC_URL + ", got " + (jdbcUrl == null ? "null" : "\"" + jdbcUrl + "\""));
        }
        if (user == null || user.isBlank()) {
            throw new InvalidValueException("MySqlSettings user must not be empty");
        }
        Objects.requireNonNull(password, "password (use \"\" for none)");
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            throw new InvalidValueException("MySqlSettings poolSize must be 1-" + MAX_POOL_SIZE + ", got " + poolSize);
        }
        if (payloadLimit < 1 || payloadLimit > MAX_PAYLOAD_LIMIT) {
            throw new InvalidValueException("MySqlSettings payloadLimit must be 1-" + MAX_PAYLOAD_LIMIT
                    + " bytes (a MEDIUMBLOB), got " + payloadLimit);
        }
        if (ackBatchSize < 1 || ackBatchSize > MAX_ACK_BATCH_SIZE) {
            throw new InvalidValueException("MySqlSettings ackBatchSize must be 1-" + MAX_ACK_BATCH_SIZE + ", got "
                    + ackBatchSize);
        }
        if (ackFlushInterval == null || ackFlushInterval.isNegative() || ackFlushInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new InvalidValueException("MySqlSettings ackFlushInterval must be 0-1 s, got " + ackFlushInterval);
        }
        if (tablePrefix == null || tablePrefix.length() > MAX_PREFIX_LENGTH || !PREFIX.matcher(tablePrefix).matches()) {
            throw new InvalidValueException("MySqlSettings tablePrefix must be 1-" + MAX_PREFIX_LENGTH
                    + " characters of [a-z0-9_] starting with a letter, such as \"es_\", got "
                    + (tablePrefix == null ? "null" : "\"" + tablePrefix + "\""));
        }
    }

    /** The local defaults: {@value #DEFAULT_JDBC_URL} as eventsource/eventsource, tables {@code es_*}. */
    public static MySqlSettings defaults() {
        return of(DEFAULT_JDBC_URL, DEFAULT_USER, DEFAULT_PASSWORD);
    }

    /** The given connection with every other setting at its default. */
    public static MySqlSettings of(String jdbcUrl, String user, String password) {
        return new MySqlSettings(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_PAYLOAD_LIMIT,
                DEFAULT_ACK_BATCH_SIZE, DEFAULT_ACK_FLUSH_INTERVAL, DEFAULT_TABLE_PREFIX);
    }

    /**
     * The settings from {@code EVENTSOURCE_JDBC_URL}, {@code EVENTSOURCE_JDBC_USER} and
     * {@code EVENTSOURCE_JDBC_PASSWORD}, each defaulting to the local database ({@value #DEFAULT_JDBC_URL},
     * eventsource/eventsource), with the tables of {@code EVENTSOURCE_NAMESPACE} if set
     * ({@link #withNamespace}); every other setting at its default.
     */
    public static MySqlSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the given variables instead of the process's. */
    public static MySqlSettings fromEnvironment(Map<String, String> environment) {
        Namespace namespace;
        try {
            namespace = Namespace.parse(environment.get("EVENTSOURCE_NAMESPACE"));
        } catch (InvalidValueException e) {
            throw new InvalidValueException("EVENTSOURCE_NAMESPACE: " + e.getMessage());
        }
        return of(variable(environment, "EVENTSOURCE_JDBC_URL", DEFAULT_JDBC_URL),
                variable(environment, "EVENTSOURCE_JDBC_USER", DEFAULT_USER),
                environment.getOrDefault("EVENTSOURCE_JDBC_PASSWORD", DEFAULT_PASSWORD))
                .withNamespace(namespace);
    }

    /** These settings with another JDBC URL. */
    public MySqlSettings withJdbcUrl(String value) {
        return new MySqlSettings(value, user, password, poolSize, payloadLimit, ackBatchSize, ackFlushInterval, tablePrefix);
    }

    /** These settings with another pool size. */
    public MySqlSettings withPoolSize(int value) {
        return new MySqlSettings(jdbcUrl, user, password, value, payloadLimit, ackBatchSize, ackFlushInterval, tablePrefix);
    }

    /** These settings with another payload limit, in bytes. */
    public MySqlSettings withPayloadLimit(int value) {
        return new MySqlSettings(jdbcUrl, user, password, poolSize, value, ackBatchSize, ackFlushInterval, tablePrefix);
    }

    /** These settings with another ack batch size and flush interval. */
    public MySqlSettings withAckBatching(int batchSize, Duration flushInterval) {
        return new MySqlSettings(jdbcUrl, user, password, poolSize, payloadLimit, batchSize, flushInterval, tablePrefix);
    }

    /**
     * The tables of a namespace, {@link Namespace#tablePrefix()}: {@code staging.} gives {@code staging_es_}, and
     * {@link Namespace#NONE} {@value #DEFAULT_TABLE_PREFIX}. Distinct namespaces never share a table (a prefix set
     * by hand with {@link #withTablePrefix} is outside that promise).
     */
    public MySqlSettings withNamespace(Namespace namespace) {
        return withTablePrefix(namespace.tablePrefix());
    }

    /** These settings with another table prefix. */
    public MySqlSettings withTablePrefix(String value) {
        return new MySqlSettings(jdbcUrl, user, password, poolSize, payloadLimit, ackBatchSize, ackFlushInterval, value);
    }

    /** Everything but the password. */
    @Override
    public String toString() {
        return "MySqlSettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=***, poolSize=" + poolSize
                + ", payloadLimit=" + payloadLimit + ", ackBatchSize=" + ackBatchSize + ", ackFlushInterval="
                + ackFlushInterval + ", tablePrefix=" + tablePrefix + "]";
    }

    private static String variable(Map<String, String> environment, String name, String fallback) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
