package io.eventsource.examples;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.postgresql.PostgreSqlModule;
import io.eventsource.adapter.postgresql.PostgreSqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqModule;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisModule;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.RealTimeModule;
import io.eventsource.core.SystemScheduler;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.jackson.JacksonModule;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

/**
 * {@link RealServicesComposition} with PostgreSQL in place of MySQL: RabbitMQ carries the events, Redis keeps who is
 * listening, PostgreSQL 15+ keeps the event log, the acks and the sweepers' checkpoints. Swapping the database is
 * this different module list ({@link PostgreSqlModule} for {@code MySqlModule}) and its settings record, nothing
 * else.
 *
 * <pre>{@code
 * RealServicesOnPostgreSqlComposition composition = DaggerRealServicesOnPostgreSqlComposition.factory().create(
 *         ExpiryPolicy.seed(), EventsourceOptions.defaults(), RabbitMqSettings.fromEnvironment(),
 *         RedisSettings.fromEnvironment(), PostgreSqlSettings.fromEnvironment());
 * Eventsource eventsource = composition.eventsource();
 * }</pre>
 *
 * Close it in this order: {@link Eventsource#close()}, then the ports, then the scheduler.
 */
@Singleton
@Component(modules = {EventsourceModule.class, RabbitMqModule.class, RedisModule.class, PostgreSqlModule.class,
        RealTimeModule.class, JacksonModule.class})
public interface RealServicesOnPostgreSqlComposition {

    /** The runtime: its publisher and one listener per service. */
    Eventsource eventsource();

    /** The event log, to read what was published. */
    EventLog eventLog();

    /** The acks, to see what each binding handled. */
    AckStore ackStore();

    /** The registry, to see who listens. */
    ServiceRegistry serviceRegistry();

    /** The broker side, to close it. */
    MessageBus messageBus();

    /** The clock and the threads of the runtime's timers, to close last. */
    SystemScheduler scheduler();

    /** Creates the composition; the settings as {@link RealServicesComposition.Factory} says. */
    @Component.Factory
    interface Factory {
        RealServicesOnPostgreSqlComposition create(@BindsInstance ExpiryPolicy expiry,
                                                   @BindsInstance EventsourceOptions options,
                                                   @BindsInstance RabbitMqSettings rabbitMq,
                                                   @BindsInstance RedisSettings redis,
                                                   @BindsInstance PostgreSqlSettings postgreSql);
    }
}
