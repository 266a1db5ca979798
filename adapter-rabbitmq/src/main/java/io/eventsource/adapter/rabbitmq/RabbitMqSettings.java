package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.ports.Credentials;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the RabbitMQ adapter reaches its broker and how it uses it. Build it with {@link #fromEnvironment()} or
 * {@link #local()} and adjust it with the {@code with...} methods. Its {@link #toString()}, and every message that
 * shows the URI, masks the password.
 *
 * @param uri                   the broker, {@code amqp://user:password@host:port/vhost}, or {@code amqps://...} for
 *                              TLS (the broker's certificate and host name are verified against the JVM's trust
 *                              store); percent-encode {@code @ / : %} in the user name and password
 * @param namespace             the prefix in front of every exchange and queue name
 * @param prefetch              how many unsettled messages one subscription may hold at a time (1-65535)
 * @param confirmBatchSize      how many messages a publish sends before it waits for the broker's confirms (1-10000)
 * @param publishTimeout        how long a publish waits for the broker to confirm one batch
 * @param connectionTimeout     how long opening a connection (TCP and AMQP handshake) may take, and how long the
 *                              broker may take to answer a declaration or a subscription
 * @param recoveryInterval      how long the client waits between attempts to reconnect after a lost connection
 * @param payloadLimit          the largest event payload a publish accepts, in bytes (1 to
 *                              {@value #MAX_MESSAGE_SIZE}); a larger one is refused with a
 *                              {@link io.eventsource.domain.PayloadTooLargeException} before anything is sent. Keep
 *                              it equal to the event log's limit: an event the log took and the bus refuses waits in
 *                              the log
 * @param maxInboundMessageSize the largest message body the bus reads, in bytes ({@value #MIN_INBOUND_MESSAGE_SIZE}
 *                              to {@value #MAX_MESSAGE_SIZE}, at least {@code payloadLimit}); the body of our
 *                              envelope is the payload (its headers travel apart, bounded by the broker's frame
 *                              size). A larger message, which only a foreign or forged publisher can send, is
 *                              dropped from its queue and counted, without its body ever being read
 * @param announcementMaxLength how many announcements a service's announcement queue keeps at most (its
 *                              {@code x-max-length}, overflow {@code drop-head}): a service that is down for long
 *                              comes back to the newest ones, and the sweeper finds what the dropped ones announced
 * @param partitionPrefetch     how many unsettled messages one subscription to a partition queue may hold at a time
 *                              (1-65535): larger than {@code prefetch}, since a partition carries many aggregates at
 *                              once, each handled in parallel with the others
 * @param persistentAggregateEvents whether the broker writes the events on aggregates' own queues, and the
 *                              announcements of them, to disk (persistent messages) or keeps them in memory
 *                              (transient); false by default. The event
 *                              log is their durable copy, and an aggregate queue is a delivery buffer that the broker
 *                              deletes, with whatever it holds, once unused for the queue expiry. Writing each message
 *                              to disk in thousands of small queues costs the broker about four times what the
 *                              message costs otherwise (measured: 1,184 against 4,958 messages/s over 1,000
 *                              aggregates with three services), and buys one thing: after a broker restart, the
 *                              messages are still there. Transient, a listener that consumes an aggregate again after
 *                              a lost connection catches up from the log within seconds, and the sweeper re-drives
 *                              the rest. An announcement tells of what its aggregate's queues hold, so it is as
 *                              durable as they are: transient, the broker confirms it without writing it to disk,
 *                              and the sweeper covers announcements a restart took. Set it
 *                              when the sweeper is disabled. The events of partitioned types are always persistent:
 *                              their queues hold what a service that is down for long comes back to
 */
public record RabbitMqSettings(URI uri, Namespace namespace, int prefetch, int confirmBatchSize,
                               Duration publishTimeout, Duration connectionTimeout, Duration recoveryInterval,
                               int payloadLimit, int maxInboundMessageSize, int announcementMaxLength,
                               int partitionPrefetch, boolean persistentAggregateEvents) {
    /** The variable that overrides {@link #DEFAULT_URI}. */
    public static final String URI_VARIABLE = "EVENTSOURCE_AMQP_URI";
    /** The variable that sets the namespace (unset or empty: no namespace). */
    public static final String NAMESPACE_VARIABLE = "EVENTSOURCE_NAMESPACE";
    /** The variable that overrides {@link #DEFAULT_PARTITION_PREFETCH}. */
    public static final String PARTITION_PREFETCH_VARIABLE = "EVENTSOURCE_AMQP_PARTITION_PREFETCH";
    /** The local broker with RabbitMQ's default user. */
    public static final URI DEFAULT_URI = URI.create("amqp://guest:guest@127.0.0.1:5672");
    public static final int DEFAULT_PREFETCH = 32;
    public static final int DEFAULT_PARTITION_PREFETCH = 256;
    public static final int DEFAULT_CONFIRM_BATCH_SIZE = 100;
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(2);
    /** 1 MiB, {@link PayloadLimit#DEFAULT}, as the event log's default. */
    public static final int DEFAULT_PAYLOAD_LIMIT = PayloadLimit.DEFAULT_BYTES;
    /**
     * What the default inbound limit allows above the payload limit: room for a producer of another deployment
     * whose payload limit is a little higher, without letting a body many times the limit in.
     */
    public static final int INBOUND_ALLOWANCE = 64 << 10;
    /** {@link #DEFAULT_PAYLOAD_LIMIT} + {@link #INBOUND_ALLOWANCE}. */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = DEFAULT_PAYLOAD_LIMIT + INBOUND_ALLOWANCE;
    /**
     * 128 KiB, RabbitMQ's default frame size: the client caps every inbound frame to the inbound message limit too,
     * so a lower limit would refuse ordinary frames.
     */
    public static final int MIN_INBOUND_MESSAGE_SIZE = 128 << 10;
    /** 512 MiB, the largest message RabbitMQ can be configured to accept ({@code max_message_size}). */
    public static final int MAX_MESSAGE_SIZE = 512 << 20;
    public static final int DEFAULT_ANNOUNCEMENT_MAX_LENGTH = 10_000;
    static final int MAX_PREFETCH = 65_535;
    static final int MAX_CONFIRM_BATCH_SIZE = 10_000;

    public RabbitMqSettings {
        if (uri == null || uri.getScheme() == null
                || !("amqp".equalsIgnoreCase(uri.getScheme()) || "amqps".equalsIgnoreCase(uri.getScheme()))) {
            throw new InvalidValueException("RabbitMqSettings uri must be an amqp:// or amqps:// URI such as "
                    + DEFAULT_URI + ", got " + (uri == null ? "null" : "\"" + redact(uri) + "\""));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            // java.net.URI finds no host in a host with '_', a non-numeric port or an unencoded '@' or '/' in the
            // password: say so, since the client would otherwise connect to its default host
            throw new InvalidValueException("RabbitMqSettings uri must name a host (letters, digits, '-' and '.'; "
                    + "a numeric port; '@', '/', ':' and '%' in the user name or password percent-encoded), as in "
                    + DEFAULT_URI + ", got \"" + redact(uri) + "\"");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.indexOf(':') != userInfo.lastIndexOf(':')) {
            throw new InvalidValueException("RabbitMqSettings uri must hold at most one ':' between user name and "
                    + "password (percent-encode a ':' in the password as %3A), got \"" + redact(uri) + "\"");
        }
        Objects.requireNonNull(namespace, "namespace (use Namespace.NONE for no prefix)");
        if (prefetch < 1 || prefetch > MAX_PREFETCH) {
            throw new InvalidValueException("RabbitMqSettings prefetch must be 1-" + MAX_PREFETCH
                    + " (unsettled messages per subscription; unbounded prefetch is not allowed), got " + prefetch);
        }
        if (partitionPrefetch < 1 || partitionPrefetch > MAX_PREFETCH) {
            throw new InvalidValueException("RabbitMqSettings partitionPrefetch must be 1-" + MAX_PREFETCH
                    + " (unsettled messages per partition subscription; unbounded prefetch is not allowed), got "
                    + partitionPrefetch);
        }
        if (confirmBatchSize < 1 || confirmBatchSize > MAX_CONFIRM_BATCH_SIZE) {
            throw new InvalidValueException("RabbitMqSettings confirmBatchSize must be 1-" + MAX_CONFIRM_BATCH_SIZE
                    + " (messages published between waits for confirms), got " + confirmBatchSize);
        }
        positiveMillis("publishTimeout", publishTimeout);
        positiveMillis("connectionTimeout", connectionTimeout);
        positiveMillis("recoveryInterval", recoveryInterval);
        if (payloadLimit < 1 || payloadLimit > MAX_MESSAGE_SIZE) {
            throw new InvalidValueException("RabbitMqSettings payloadLimit must be 1-" + MAX_MESSAGE_SIZE
                    + " bytes, got " + payloadLimit);
        }
        if (maxInboundMessageSize < Math.max(MIN_INBOUND_MESSAGE_SIZE, payloadLimit)
                || maxInboundMessageSize > MAX_MESSAGE_SIZE) {
            throw new InvalidValueException("RabbitMqSettings maxInboundMessageSize must be "
                    + Math.max(MIN_INBOUND_MESSAGE_SIZE, payloadLimit) + "-" + MAX_MESSAGE_SIZE
                    + " bytes (at least the payload limit, " + payloadLimit + ", and at least RabbitMQ's default "
                    + "frame size), got " + maxInboundMessageSize);
        }
        if (announcementMaxLength < 1) {
            throw new InvalidValueException("RabbitMqSettings announcementMaxLength must be at least 1 (announcements "
                    + "kept per announcement queue), got " + announcementMaxLength);
        }
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
                DEFAULT_PUBLISH_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT, DEFAULT_RECOVERY_INTERVAL, DEFAULT_PAYLOAD_LIMIT,
                DEFAULT_MAX_INBOUND_MESSAGE_SIZE, DEFAULT_ANNOUNCEMENT_MAX_LENGTH, DEFAULT_PARTITION_PREFETCH, false);
    }

    /**
     * The settings from {@code EVENTSOURCE_AMQP_URI} (default {@link #DEFAULT_URI}), {@code EVENTSOURCE_NAMESPACE}
     * (default none), {@code EVENTSOURCE_MAX_PAYLOAD_BYTES} (default 1 MiB, {@link PayloadLimit#fromEnvironment};
     * the inbound limit follows it, {@link #withPayloadLimit}) and {@code EVENTSOURCE_AMQP_PARTITION_PREFETCH}
     * (default {@value #DEFAULT_PARTITION_PREFETCH}), with other limits at their defaults.
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
                // the exception's own message holds the input, password and all: use its parts
                throw new InvalidValueException(URI_VARIABLE + " must be a URI such as " + DEFAULT_URI + " (percent-"
                        + "encode '@', '/', ':' and '%' in the user name and password): " + e.getReason()
                        + " at index " + e.getIndex() + " of \"" + Credentials.redact(uri.trim()) + "\"");
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
        int payloadLimit = PayloadLimit.fromEnvironment(environment).bytes();
        if (payloadLimit > MAX_MESSAGE_SIZE) {
            throw new InvalidValueException(PayloadLimit.VARIABLE + " must be at most " + MAX_MESSAGE_SIZE + " bytes for"
                    + " the RabbitMQ adapter (the largest message RabbitMQ accepts), got " + payloadLimit);
        }
        String partitionPrefetch = environment.get(PARTITION_PREFETCH_VARIABLE);
        if (partitionPrefetch != null && !partitionPrefetch.isBlank()) {
            try {
                settings = settings.withPartitionPrefetch(Integer.parseInt(partitionPrefetch.trim()));
            } catch (NumberFormatException e) {
                throw new InvalidValueException(PARTITION_PREFETCH_VARIABLE + " must be a number 1-" + MAX_PREFETCH
                        + ", got \"" + partitionPrefetch.trim() + "\"");
            } catch (InvalidValueException e) {
                throw new InvalidValueException(PARTITION_PREFETCH_VARIABLE + ": " + e.getMessage());
            }
        }
        return settings.withPayloadLimit(payloadLimit);
    }

    public RabbitMqSettings withUri(URI value) {
        return new RabbitMqSettings(value, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval, payloadLimit, maxInboundMessageSize, announcementMaxLength,
                partitionPrefetch, persistentAggregateEvents);
    }

    public RabbitMqSettings withNamespace(Namespace value) {
        return new RabbitMqSettings(uri, value, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval, payloadLimit, maxInboundMessageSize, announcementMaxLength,
                partitionPrefetch, persistentAggregateEvents);
    }

    public RabbitMqSettings withPrefetch(int value) {
        return new RabbitMqSettings(uri, namespace, value, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval, payloadLimit, maxInboundMessageSize, announcementMaxLength,
                partitionPrefetch, persistentAggregateEvents);
    }

    public RabbitMqSettings withConfirmBatchSize(int value) {
        return new RabbitMqSettings(uri, namespace, prefetch, value, publishTimeout, connectionTimeout,
                recoveryInterval, payloadLimit, maxInboundMessageSize, announcementMaxLength,
                partitionPrefetch, persistentAggregateEvents);
    }

    public RabbitMqSettings withPublishTimeout(Duration value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, value, connectionTimeout,
                recoveryInterval, payloadLimit, maxInboundMessageSize, announcementMaxLength,
                partitionPrefetch, persistentAggregateEvents);
    }

    public RabbitMqSettings withConnectionTimeout(Duration value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, value,
                recoveryInterval, payloadLimit, maxInboundMessageSize, announcementMaxLength,
                partitionPrefetch, persistentAggregateEvents);
    }

    public RabbitMqSettings withRecoveryInterval(Duration value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                value, payloadLimit, maxInboundMessageSize, announcementMaxLength,
                partitionPrefetch, persistentAggregateEvents);
    }

    /**
     * These settings with another payload limit. The inbound limit is raised to the new limit plus
     * {@link #INBOUND_ALLOWANCE} if it is below that (never lowered: set it with {@link #withMaxInboundMessageSize}).
     */
    public RabbitMqSettings withPayloadLimit(int value) {
        long wanted = (long) value + INBOUND_ALLOWANCE;
        int inbound = maxInboundMessageSize >= wanted ? maxInboundMessageSize
                : (int) Math.min(wanted, MAX_MESSAGE_SIZE);
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval, value, inbound, announcementMaxLength, partitionPrefetch, persistentAggregateEvents);
    }

    public RabbitMqSettings withMaxInboundMessageSize(int value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval, payloadLimit, value, announcementMaxLength, partitionPrefetch,
                persistentAggregateEvents);
    }

    public RabbitMqSettings withAnnouncementMaxLength(int value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval, payloadLimit, maxInboundMessageSize, value, partitionPrefetch,
                persistentAggregateEvents);
    }

    public RabbitMqSettings withPartitionPrefetch(int value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval, payloadLimit, maxInboundMessageSize, announcementMaxLength, value,
                persistentAggregateEvents);
    }

    /** These settings with the events on aggregates' own queues persistent or transient; see the record's doc. */
    public RabbitMqSettings withPersistentAggregateEvents(boolean value) {
        return new RabbitMqSettings(uri, namespace, prefetch, confirmBatchSize, publishTimeout, connectionTimeout,
                recoveryInterval, payloadLimit, maxInboundMessageSize, announcementMaxLength, partitionPrefetch, value);
    }

    /** The settings without the password, for logs. */
    @Override
    public String toString() {
        return "RabbitMqSettings[uri=" + redact(uri) + ", namespace=" + namespace + ", prefetch=" + prefetch
                + ", confirmBatchSize=" + confirmBatchSize + ", publishTimeout=" + publishTimeout
                + ", connectionTimeout=" + connectionTimeout + ", recoveryInterval=" + recoveryInterval
                + ", payloadLimit=" + payloadLimit + ", maxInboundMessageSize=" + maxInboundMessageSize
                + ", announcementMaxLength=" + announcementMaxLength + ", partitionPrefetch=" + partitionPrefetch
                + ", persistentAggregateEvents=" + persistentAggregateEvents + "]";
    }

    /** The URI as written, with its password masked, for messages and log lines. */
    String redactedUri() {
        return redact(uri);
    }

    private static String redact(URI uri) {
        // the raw text, not URI's parsed parts: a URI with a registry authority has no parsed user information
        return Credentials.redact(uri.toString());
    }
}
