package io.eventsource.examples;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.mysql.MySqlModule;
import io.eventsource.adapter.mysql.MySqlSettings;
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
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

/**
 * The runtime on the real services: RabbitMQ carries the events, Redis keeps who is listening, MySQL or MariaDB
 * keeps the event log and the acks, time is the system clock, and Jackson writes and reads typed events. The same runtime as {@link InMemoryComposition},
 * composed from other modules. One component is one process's runtime: it holds one broker connection, one Redis
 * pool and one database pool.
 *
 * <pre>{@code
 * RealServicesComposition composition = DaggerRealServicesComposition.factory().create(ExpiryPolicy.seed(),
 *         EventsourceOptions.defaults(), RabbitMqSettings.fromEnvironment(), RedisSettings.fromEnvironment(),
 *         MySqlSettings.fromEnvironment());
 * Eventsource eventsource = composition.eventsource();
 * }</pre>
 *
 * Close it in this order: {@link Eventsource#close()}, then the ports, then the scheduler ({@link RealStack#close()}
 * does it).
 */
@Singleton
@Component(modules = {EventsourceModule.class, RabbitMqModule.class, RedisModule.class, MySqlModule.class,
        RealTimeModule.class, JacksonModule.class})
public interface RealServicesComposition {

    /** The runtime: its publisher and one listener per service. */
    Eventsource eventsource();

    /** The event log, to read what was published. */
    EventLog eventLog();

    /** The acks, to see what each binding handled. */
    AckStore ackStore();

    /** The checkpoints and the replays' progress, for a replay driven from outside a listener. */
    CheckpointStore checkpoints();

    /** The registry, to see who listens. */
    ServiceRegistry serviceRegistry();

    /** The broker side, to close it. */
    MessageBus messageBus();

    /** The clock and the threads of the runtime's timers, to close last. */
    SystemScheduler scheduler();

    /**
     * Creates the composition. All processes that share a namespace must use the same {@link ExpiryPolicy}: its
     * queue expiry is an argument of every aggregate queue, and the broker refuses a redeclaration with another.
     * The {@link EventsourceOptions} tune the runtime (failure policy, relay, sweeper).
     */
    @Component.Factory
    interface Factory {
        RealServicesComposition create(@BindsInstance ExpiryPolicy expiry, @BindsInstance EventsourceOptions options,
                                       @BindsInstance RabbitMqSettings rabbitMq, @BindsInstance RedisSettings redis,
                                       @BindsInstance MySqlSettings mySql);
    }
}
