package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the RabbitMQ adapter reaches its broker and how it uses it. Build it with {@link #fromEnvironment()} or
 * {@link #local()} and adjust it with the {@code with...} methods.
 *
 * @param uri                the broker, {@code amqp://user:password@host:port/vhost} or {@code amqps://...}
 * @param namespace          the prefix in front of every exchange and queue name
 * @param prefetch           how many unsettled messages one subscription may hold at a time (1-65535)
 * @param confirmBatchSize   how many messages a publish sends before it waits for the broker's confirms (1-10000)
 * @param publishTimeout     how long a publish waits for the broker to confirm one batch
 * @param connectionTimeout  how long opening a connection (TCP and AMQP handshake) may take, and how long the broker
 *                           may take to answer a declaration or a subscription
 * @param recoveryInterval   how long the client waits between attempts to reconnect after a lost connection
 */
public record RabbitMqSettings(URI uri, Namespace namespace, int prefetch, int confirmBatchSize,
                               Duration publishTimeout, Duration connectionTimeout, Duration recoveryInterval) {
    /** The variable that overrides {@link #DEFAULT_URI}. */
    public static final String URI_VARIABLE = "EVENTSOURCE_AMQP_URI";
    /** The variable that sets the namespace (unset or empty: no namespace). */
    public static final String NAMESPACE_VARIABLE = "EVENTSOURCE_NAMESPACE";
    /** The local broker with RabbitMQ's default user. */
    public static final URI DEFAULT_URI = URI.create("amqp://guest:guest@127.0.0.1:5672");
    public static final int DEFAULT_PREFETCH = 32;
    public static final int DEFAULT_CONFIRM_BATCH_SIZE = 100;
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(2);
    static final int MAX_PREFETCH = 65_535;
    static final int MAX_CONFIRM_BATCH_SIZE = 10_000;

    public RabbitMqSettings {
        if (uri == null || uri.getScheme() == null
                || !("amqp".equalsIgnoreCase(uri.getScheme()) || "amqps".equalsIgnoreCase(uri.getScheme()))) {
            throw new InvalidValueException("RabbitMqSettings uri must be an amqp:// or amqps:// URI such as "
                    + DEFAULT_URI + ", got " + (uri == null ? "null" : "\"" + redacted(uri) + "\""));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidValueException("RabbitMqSettings uri must name a host, as in " + DEFAULT_URI + ", got \""
                    + redacted(uri) + "\"");
        }
        Objects.requireNonNull(namespace, "namespace (use Namespace.NONE for no prefix)");
        if (prefetch < 1 || prefetch > MAX_PREFETCH) {
            throw new InvalidValueException("RabbitMqSettings prefetch must be 1-" + MAX_PREFETCH
                    + " (unsettled messages per subscription; unbounded prefetch is not allowed), got " + prefetch);
        }
        if (confirmBatchSize < 1 || confirmBatchSize > MAX_CONFIRM_BATCH_SIZE) {
            throw new InvalidValueException("RabbitMqSettings confirmBatchSize must be 1-" + MAX_CONFIRM_BATCH_SIZE
                    + " (messages published between waits for confirms), got " + confirmBatchSize);
        }
        positiveMillis("publishTimeout", publishTimeout);
        positiveMillis("connectionTimeout", connectionTimeout);
        positiveMillis("recoveryInterval", recoveryInterval);
    }

    private static void positiveMillis(String name, Duration duration) {
        if (duration == null || duration.toMillis() < 1) {
            throw new InvalidValueException("RabbitMqSettings " + name + " must be at least 1 ms, got " + duration);
        }
        if (duration.toMillis() > Integer.MAX_VALUE) {
            throw new InvalidValueException("RabbitMqSettings " + name + " must be at most " + Integer.MAX_VALUE
                    + " ms (the client's limit), got " + duration);
        }
    }

    /** The local broker ({@link #DEFAULT_URI}), no namespace, default limits. */
    public static RabbitMqSettings local() {
        return new RabbitMqSettings(DEFAULT_URI, Namespace.NONE, DEFAULT_PREFETCH, DEFAULT_CONFIRM_BATCH_SIZE,
                DEFAULT_PUBLISH_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT, DEFAULT_RECOVERY_INTERVAL);
    }

    /**
     * The settings from {@code EVENTSOURCE_AMQP_URI} (default {@link #DEFAULT_URI}) and {@code EVENTSOURCE_NAMESPACE}
     * (default none), with default limits.
     *
     * @throws InvalidValueException naming the variable, when one is set to something unusable
     */
    public static RabbitMqSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the variables from {@code environment}. */
    public static RabbitMqSettings fromEnvironment(Map<String, String> environment) {
        RabbitMqSettings settings = local();
        String uri = environment.get(URI_VARIABLE);
        if (uri != null && !uri.isBlank()) {
            URI parsed;
            try {
                parsed = new URI(uri.trim());
            } catch (URISyntaxException e) {
                throw new InvalidValueException(URI_VARIABLE + " must be a URI such as " + DEFAULT_URI + ": "
                        + e.getReason() + " at index " + e.getIndex());
            }
            try {
                settings = settings.withUri(parsed);
            } catch (InvalidValueException e) {
                throw new InvalidValueException(URI_VARIABLE + ": " + e.getMessage());
            }
        }
        try {
            settings = settings.withNamespace(Namespace.parse(environment.get(NAMESPACE_VARIABLE)));
        } catch (InvalidValueException e) {
            throw new InvalidValueException(NAMESPACE_VARIABLE + ": " + e.getMessage());
        }
        return settings;
    }

    public RabbitMqSettings withUri(URI value) {
        return new RabbitMqSettings(value, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval);
    }

    public RabbitMqSettings withNamespace(Namespace value) {
        return new RabbitMqSettings(uri, value, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval);
    }

    public RabbitMqSettings withPrefetch(int value) {
        return new RabbitMqSettings(uri, namespace, value, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval);
    }

    public RabbitMqSettings withConfirmBatchSize(int value) {
        return new RabbitMqSettings(uri, namespace, prefetch, value, publishTimeout, connectionTimeout,
                recoveryInterval);
    }

    public RabbitMqSettings withPublishTimeout(Duration value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, value, connectionTimeout,
                recoveryInterval);
    }

    public RabbitMqSettings withConnectionTimeout(Duration value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, value,
                recoveryInterval);
    }

    public RabbitMqSettings withRecoveryInterval(Duration value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                value);
    }

    /** The settings without the password, for logs. */
    @Override
    public String toString() {
        return "RabbitMqSettings[uri=" + redacted(uri) + ", namespace=" + namespace + ", prefetch=" + prefetch
                + ", confirmBatchSize=" + confirmBatchSize + ", publishTimeout=" + publishTimeout
                + ", connectionTimeout=" + connectionTimeout + ", recoveryInterval=" + recoveryInterval + "]";
    }

    /** The URI with its password replaced, so that it can be logged and put in messages. */
    static String redacted(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || !userInfo.contains(":")) {
            return uri.toString();
        }
        String user = userInfo.substring(0, userInfo.indexOf(':'));
        return uri.toString().replace(userInfo + "@", user + ":***@");
    }
}
