package io.eventsource.spring;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.ports.Credentials;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.Supplier;

/**
 * The adapters' settings records from the {@code eventsource.*} properties, through the records' own validation: what
 * a record refuses comes back as an {@link EventsourceConfigurationException} that names the property.
 */
final class PropertySettings {
    static final String PREFIX = "eventsource.";

    private PropertySettings() {
    }

    static Namespace namespace(EventsourceProperties properties) {
        return valid("namespace", "use 1-36 characters of [a-z0-9_] starting with a letter, then a '.', such as "
                + "\"staging.\", or leave it empty for none", () -> Namespace.parse(properties.getNamespace()));
    }

    static PayloadLimit payloadLimit(EventsourceProperties properties) {
        return valid("max-payload-bytes", "give a positive number of bytes (default 1048576, 1 MiB)",
                () -> PayloadLimit.ofBytes(properties.getMaxPayloadBytes()));
    }

    static ExpiryPolicy expiry(EventsourceProperties properties) {
        EventsourceProperties.Expiry expiry = properties.getExpiry();
        required("expiry.consumer-idle-timeout", expiry.getConsumerIdleTimeout(), "a duration such as 5s");
        required("expiry.queue-expiry", expiry.getQueueExpiry(), "a duration such as 30s");
        required("expiry.heartbeat-interval", expiry.getHeartbeatInterval(), "a duration such as 5s");
        required("expiry.liveness-ttl", expiry.getLivenessTtl(), "a duration such as 30s");
        return valid("expiry", "give durations that the lifecycle admits (the seed's: consumer-idle-timeout 5s, "
                        + "queue-expiry 30s, heartbeat-interval 5s, liveness-ttl 30s)",
                () -> new ExpiryPolicy(expiry.getConsumerIdleTimeout(), expiry.getQueueExpiry(),
                        expiry.getHeartbeatInterval(), expiry.getLivenessTtl()));
    }

    static EventsourceOptions options(EventsourceProperties properties) {
        return EventsourceOptions.defaults().withPayloadLimit(payloadLimit(properties));
    }

    static RabbitMqSettings rabbitMq(EventsourceProperties properties) {
        String text = required("amqp.uri", properties.getAmqp().getUri(), "an AMQP URI such as "
                + RabbitMqSettings.DEFAULT_URI);
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            // the exception's own message holds the input, password and all: use its parts
            throw new EventsourceConfigurationException(PREFIX + "amqp.uri must be a URI: " + e.getReason()
                    + " at index " + e.getIndex() + " of \"" + Credentials.redact(text.trim()) + "\"",
                    "percent-encode '@', '/', ':' and '%' in the user name and password (%40 %2F %3A %25)");
        }
        Namespace namespace = namespace(properties);
        int payloadLimit = payloadLimit(properties).bytes();
        return valid("amqp.uri", "give amqp://user:password@host:port/vhost or amqps://...",
                () -> RabbitMqSettings.local().withUri(uri).withNamespace(namespace).withPayloadLimit(payloadLimit));
    }

    static RedisSettings redis(EventsourceProperties properties) {
        String text = required("redis.uri", properties.getRedis().getUri(), "a Redis URI such as "
                + RedisSettings.LOCAL);
        Namespace namespace = namespace(properties);
        return valid("redis.uri", "give redis://[user:password@]host[:port][/db] or rediss://...",
                () -> RedisSettings.local(namespace).withUri(RedisSettings.parseUri(text.trim())));
    }

    /** The settings of eventsource's own pool; of them, the tables and the payload limit also apply on a DataSource. */
    static MySqlSettings mySql(EventsourceProperties properties) {
        EventsourceProperties.Jdbc jdbc = properties.getJdbc();
        String url = required("jdbc.url", jdbc.getUrl(), "a JDBC URL such as " + MySqlSettings.DEFAULT_JDBC_URL);
        String user = required("jdbc.user", jdbc.getUser(), "the database user");
        String password = jdbc.getPassword() == null ? "" : jdbc.getPassword();
        MySqlSettings settings = valid("jdbc.url", "give jdbc:mysql://host:port/database, with the credentials in "
                        + PREFIX + "jdbc.user and " + PREFIX + "jdbc.password and TLS in " + PREFIX + "jdbc.tls",
                () -> MySqlSettings.of(url.trim(), user.trim(), password));
        if (jdbc.getTls() != null && !jdbc.getTls().isBlank()) {
            MySqlSettings.Tls tls;
            try {
                tls = MySqlSettings.Tls.parse(PREFIX + "jdbc.tls", jdbc.getTls().trim());
            } catch (InvalidValueException e) {
                // the message names the property already
                throw new EventsourceConfigurationException(e.getMessage(), "set " + PREFIX + "jdbc.tls to disabled, "
                        + "required or verify-identity", e);
            }
            settings = settings.withTls(tls);
        }
        settings = withValid(settings, "jdbc.pool-size", "give 1-" + MySqlSettings.MAX_POOL_SIZE,
                s -> s.withPoolSize(jdbc.getPoolSize()));
        Namespace namespace = namespace(properties);
        int payloadLimit = payloadLimit(properties).bytes();
        settings = withValid(settings, "max-payload-bytes", "give at most " + MySqlSettings.MAX_PAYLOAD_LIMIT
                + " bytes (the payload column is a MEDIUMBLOB)", s -> s.withPayloadLimit(payloadLimit));
        return settings.withNamespace(namespace);
    }

    /** The value, or a failure that names the property as missing. */
    static <T> T required(String property, T value, String what) {
        if (value == null || value instanceof String text && text.isBlank()) {
            throw new EventsourceConfigurationException(PREFIX + property + " is not set",
                    "set " + PREFIX + property + " to " + what + " (or remove it for the default)");
        }
        return value;
    }

    private static <T> T valid(String property, String action, Supplier<T> make) {
        try {
            return make.get();
        } catch (InvalidValueException | IllegalArgumentException e) {
            throw new EventsourceConfigurationException(PREFIX + property + ": " + e.getMessage(), action, e);
        }
    }

    private static MySqlSettings withValid(MySqlSettings settings, String property, String action,
                                           java.util.function.UnaryOperator<MySqlSettings> change) {
        return valid(property, action, () -> change.apply(settings));
    }
}
