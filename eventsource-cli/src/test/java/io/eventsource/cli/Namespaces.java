package io.eventsource.cli;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import io.eventsource.examples.DaggerRealServicesComposition;
import io.eventsource.examples.RealServicesComposition;
import io.eventsource.tck.services.RealService;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A namespace of a test's own on the real services, and the real runtime composed in it as the examples compose it. */
final class Namespaces {
    private Namespaces() {
    }

    /** Skips (or fails on CI) unless RabbitMQ, Redis and MySQL/MariaDB answer. */
    static void requireServices() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
    }

    /** {@code cli_{label}_{8 hex}.}: a namespace no earlier run used. */
    static Namespace fresh(String label) {
        return Namespace.of("cli_" + label + "_" + UUID.randomUUID().toString().substring(0, 8) + ".");
    }

    /** The runtime on the real services under {@code namespace}, with the environment's addresses. */
    static RealServicesComposition compose(Namespace namespace, EventsourceOptions options) {
        return DaggerRealServicesComposition.factory().create(ExpiryPolicy.seed(), options,
                RabbitMqSettings.fromEnvironment().withNamespace(namespace),
                RedisSettings.fromEnvironment().withNamespace(namespace),
                MySqlSettings.fromEnvironment().withNamespace(namespace));
    }

    /** The CLI's own ports under {@code namespace}, for what a test sets up beside the runtime (a checkpoint). */
    static CliComponent cliPorts(Namespace namespace) {
        CliSettings settings = CliSettings.fromEnvironment(System.getenv()).withNamespace(namespace);
        // the scheduler only serves the broker's client, which these tests never ask for
        return DaggerCliComponent.factory().create(settings.expiry(), settings.redis(), settings.mySql(),
                settings.rabbitMq(), new io.eventsource.core.SystemScheduler(1));
    }

    /** Waits until the service is live for the type, so that a publish is sent rather than left to the relay. */
    static void awaitLive(RealServicesComposition composition, String type, String service) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!composition.serviceRegistry().liveServices(AggregateType.of(type), Instant.now())
                .contains(ServiceName.of(service))) {
            assertThat(System.nanoTime() - deadline).as(service + " live for " + type).isNegative();
            pause();
        }
    }

    /** Polls every 100 ms until {@code done} holds, for at most 30 s. */
    static void await(String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what).isNegative();
            pause();
        }
    }

    /** Closes the runtime, then its ports, then its threads. */
    static void close(RealServicesComposition composition) {
        Eventsource eventsource = composition.eventsource();
        eventsource.close();
        composition.messageBus().close();
        composition.serviceRegistry().close();
        composition.ackStore().close();
        composition.eventLog().close();
        composition.scheduler().close();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
