package io.eventsource.cli;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;

import java.util.Map;
import java.util.Objects;

/**
 * Where the CLI connects, read from the same environment variables as the library's adapters
 * ({@code EVENTSOURCE_AMQP_URI}, {@code EVENTSOURCE_REDIS_URI}, {@code EVENTSOURCE_JDBC_URL},
 * {@code EVENTSOURCE_JDBC_USER}, {@code EVENTSOURCE_JDBC_PASSWORD}, {@code EVENTSOURCE_NAMESPACE}, ...), with the
 * local services as defaults. Liveness is judged with the seed's durations ({@link ExpiryPolicy#seed()}).
 */
record CliSettings(ExpiryPolicy expiry, RabbitMqSettings rabbitMq, RedisSettings redis, MySqlSettings mySql) {

    CliSettings {
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(rabbitMq, "rabbitMq");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(mySql, "mySql");
    }

    /**
     * From the given variables.
     *
     * @throws io.eventsource.domain.InvalidValueException naming the variable, if one is malformed
     */
    static CliSettings fromEnvironment(Map<String, String> environment) {
        return new CliSettings(ExpiryPolicy.seed(), RabbitMqSettings.fromEnvironment(environment),
                RedisSettings.fromEnvironment(environment), MySqlSettings.fromEnvironment(environment));
    }

    /** The namespace every adapter was given (they all read {@code EVENTSOURCE_NAMESPACE}). */
    Namespace namespace() {
        return redis.namespace();
    }

    /** These settings under another namespace: its broker names, its Redis keys, its tables. */
    CliSettings withNamespace(Namespace namespace) {
        return new CliSettings(expiry, rabbitMq.withNamespace(namespace), redis.withNamespace(namespace),
                mySql.withNamespace(namespace));
    }
}
