package io.eventsource.benchmarks;

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
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

/**
 * One process's runtime on the real services, composed as a user composes it (the same modules as the examples'
 * {@code RealServicesComposition}): one broker connection, one Redis pool, one database pool.
 */
@Singleton
@Component(modules = {EventsourceModule.class, RabbitMqModule.class, RedisModule.class, MySqlModule.class,
        RealTimeModule.class})
interface BenchComposition {

    Eventsource eventsource();

    EventLog eventLog();

    AckStore ackStore();

    ServiceRegistry serviceRegistry();

    MessageBus messageBus();

    SystemScheduler scheduler();

    @Component.Factory
    interface Factory {
        BenchComposition create(@BindsInstance ExpiryPolicy expiry, @BindsInstance EventsourceOptions options,
                                @BindsInstance RabbitMqSettings rabbitMq, @BindsInstance RedisSettings redis,
                                @BindsInstance MySqlSettings mySql);
    }
}
