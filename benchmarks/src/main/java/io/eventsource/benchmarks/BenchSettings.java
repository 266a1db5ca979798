package io.eventsource.benchmarks;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Where the run's runtimes connect and under which namespace: each adapter's settings from the environment
 * ({@code EVENTSOURCE_AMQP_URI}, {@code EVENTSOURCE_REDIS_URI}, {@code EVENTSOURCE_JDBC_URL}, ...; the local services by
 * default), the seed's lifecycle and the default options, as a user would deploy them.
 */
record BenchSettings(ExpiryPolicy expiry, EventsourceOptions options, RabbitMqSettings rabbitMq, RedisSettings redis,
                     MySqlSettings mySql) {

    BenchSettings {
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(rabbitMq, "rabbitMq");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(mySql, "mySql");
    }

    /** From the environment, under a namespace that no earlier run used: {@code bench_{8 hex}.}. */
    static BenchSettings fresh(Map<String, String> environment) {
        return fromEnvironment(environment)
                .withNamespace(Namespace.of("bench_" + UUID.randomUUID().toString().substring(0, 8) + "."));
    }

    /** These settings with the seed's expiry policy but another queue expiry. */
    BenchSettings withQueueExpiry(Duration value) {
        return new BenchSettings(expiry.withQueueExpiry(value), options, rabbitMq, redis, mySql);
    }

    /** These settings with the seed's expiry policy but another consumer idle timeout. */
    BenchSettings withConsumerIdleTimeout(Duration value) {
        return new BenchSettings(expiry.withConsumerIdleTimeout(value), options, rabbitMq, redis, mySql);
    }

    /** From the environment, in the environment's namespace ({@code EVENTSOURCE_NAMESPACE}). */
    static BenchSettings fromEnvironment(Map<String, String> environment) {
        return new BenchSettings(ExpiryPolicy.seed(), EventsourceOptions.defaults(),
                RabbitMqSettings.fromEnvironment(environment), RedisSettings.fromEnvironment(environment),
                MySqlSettings.fromEnvironment(environment));
    }

    BenchSettings withNamespace(Namespace namespace) {
        return new BenchSettings(expiry, options, rabbitMq.withNamespace(namespace), redis.withNamespace(namespace),
                mySql.withNamespace(namespace));
    }

    /** These settings with other RabbitMQ settings. */
    BenchSettings withRabbitMq(RabbitMqSettings value) {
        return new BenchSettings(expiry, options, value, redis, mySql);
    }

    /** These settings with other runtime options. */
    BenchSettings withOptions(EventsourceOptions value) {
        return new BenchSettings(expiry, value, rabbitMq, redis, mySql);
    }

    Namespace namespace() {
        return rabbitMq.namespace();
    }

    /** One more runtime, with connections of its own (as one more process would have). */
    Node open(String name) {
        return new Node(name, DaggerBenchComposition.factory().create(expiry, options, rabbitMq, redis, mySql));
    }
}
