package io.eventsource.examples;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.PayloadLimit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything {@link RealServicesComposition} is created with, read from the environment: each adapter's
 * {@code fromEnvironment()} (addresses, credentials, {@code EVENTSOURCE_NAMESPACE}, {@code EVENTSOURCE_MAX_PAYLOAD_BYTES}),
 * the runtime's default options with that payload limit, and the lifecycle durations,
 * the seed's unless overridden by {@code EVENTSOURCE_CONSUMER_IDLE_TIMEOUT}, {@code EVENTSOURCE_QUEUE_EXPIRY},
 * {@code EVENTSOURCE_HEARTBEAT_INTERVAL} or {@code EVENTSOURCE_LIVENESS_TTL} (such as {@code 3s}, {@code 500ms},
 * {@code 1m} or {@code PT3S}), and the partitioned types of {@code EVENTSOURCE_PARTITIONS} (such as
 * {@code Product=16,Order=32}: each type with its partition count; every other type per aggregate).
 */
record RealSettings(ExpiryPolicy expiry, EventsourceOptions options, RabbitMqSettings rabbitMq, RedisSettings redis,
                    MySqlSettings mySql) {
    static final String IDLE_VARIABLE = "EVENTSOURCE_CONSUMER_IDLE_TIMEOUT";
    static final String EXPIRY_VARIABLE = "EVENTSOURCE_QUEUE_EXPIRY";
    static final String HEARTBEAT_VARIABLE = "EVENTSOURCE_HEARTBEAT_INTERVAL";
    static final String LIVENESS_VARIABLE = "EVENTSOURCE_LIVENESS_TTL";
    static final String PARTITIONS_VARIABLE = "EVENTSOURCE_PARTITIONS";
    private static final Pattern PARTITIONED_TYPE = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9_]*)\\s*=\\s*(\\d{1,4})\\s*");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    RealSettings {
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(rabbitMq, "rabbitMq");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(mySql, "mySql");
    }

    /** From the process's environment. */
    static RealSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * From the given variables.
     *
     * @throws InvalidValueException naming the variable, if one is malformed
     */
    static RealSettings fromEnvironment(Map<String, String> environment) {
        return new RealSettings(expiryFromEnvironment(environment),
                topologiesFromEnvironment(environment,
                        EventsourceOptions.defaults().withPayloadLimit(PayloadLimit.fromEnvironment(environment))),
                RabbitMqSettings.fromEnvironment(environment), RedisSettings.fromEnvironment(environment),
                MySqlSettings.fromEnvironment(environment));
    }

    /** The seed's durations, each overridden by its variable if set. */
    static ExpiryPolicy expiryFromEnvironment(Map<String, String> environment) {
        ExpiryPolicy expiry = ExpiryPolicy.seed();
        expiry = override(expiry, environment, IDLE_VARIABLE, ExpiryPolicy::withConsumerIdleTimeout);
        expiry = override(expiry, environment, EXPIRY_VARIABLE, ExpiryPolicy::withQueueExpiry);
        expiry = override(expiry, environment, HEARTBEAT_VARIABLE, ExpiryPolicy::withHeartbeatInterval);
        return override(expiry, environment, LIVENESS_VARIABLE, ExpiryPolicy::withLivenessTtl);
    }

    /**
     * {@code options} with the partitioned types of {@code EVENTSOURCE_PARTITIONS}, if set.
     *
     * @throws InvalidValueException naming the variable, if it is not {@code Type=count[,Type=count...]}
     */
    static EventsourceOptions topologiesFromEnvironment(Map<String, String> environment, EventsourceOptions options) {
        String value = environment.get(PARTITIONS_VARIABLE);
        if (value == null || value.isBlank()) {
            return options;
        }
        EventsourceOptions with = options;
        for (String entry : value.split(",")) {
            Matcher matcher = PARTITIONED_TYPE.matcher(entry);
            if (!matcher.matches()) {
                throw new InvalidValueException(PARTITIONS_VARIABLE + " must list Type=count pairs separated by commas,"
                        + " such as Product=16,Order=32; got \"" + value + "\"");
            }
            with = with.withTopology(AggregateType.of(matcher.group(1)),
                    AggregateTopology.partitioned(Integer.parseInt(matcher.group(2))));
        }
        return with;
    }

    /** The namespace every adapter was given (they all read {@code EVENTSOURCE_NAMESPACE}). */
    Namespace namespace() {
        return rabbitMq.namespace();
    }

    /** These settings under another namespace: its broker names, its Redis keys, its tables. */
    RealSettings withNamespace(Namespace namespace) {
        return new RealSettings(expiry, options, rabbitMq.withNamespace(namespace), redis.withNamespace(namespace),
                mySql.withNamespace(namespace));
    }

    RealSettings withExpiry(ExpiryPolicy value) {
        return new RealSettings(value, options, rabbitMq, redis, mySql);
    }

    RealSettings withOptions(EventsourceOptions value) {
        return new RealSettings(expiry, value, rabbitMq, redis, mySql);
    }

    RealSettings withMySql(MySqlSettings value) {
        return new RealSettings(expiry, options, rabbitMq, redis, value);
    }

    /** Creates the composition; each call is one more runtime with connections of its own. */
    RealServicesComposition compose() {
        return DaggerRealServicesComposition.factory().create(expiry, options, rabbitMq, redis, mySql);
    }

    private static ExpiryPolicy override(ExpiryPolicy expiry, Map<String, String> environment, String variable,
                                         BiFunction<ExpiryPolicy, Duration, ExpiryPolicy> with) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            return expiry;
        }
        try {
            return with.apply(expiry, parseDuration(value.trim()));
        } catch (InvalidValueException e) {
            throw new InvalidValueException(variable + ": " + e.getMessage());
        }
    }

    /** {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}, or ISO-8601 such as {@code PT3S}. */
    static Duration parseDuration(String text) {
        Matcher shortForm = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            switch (shortForm.group(2)) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                default:
                    return Duration.ofHours(amount);
            }
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidValueException("a duration must be like 500ms, 3s, 2m, 1h or PT3S, got \"" + text + "\"");
        }
    }
}
