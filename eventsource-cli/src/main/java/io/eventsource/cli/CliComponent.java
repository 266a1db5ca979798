package io.eventsource.cli;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.mysql.MySqlModule;
import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqModule;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisModule;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;

/**
 * The ports the CLI reads, on the real services: the registry on Redis, the event log, the acks and the checkpoints on
 * MySQL/MariaDB, and the broker for {@code replay}, which sends events through the services' queues. No runtime: the
 * CLI never publishes nor listens. Dagger provides each port on first use, so a command connects only to what it
 * uses.
 */
@Singleton
@Component(modules = {RedisModule.class, MySqlModule.class, RabbitMqModule.class})
interface CliComponent {

    ServiceRegistry serviceRegistry();

    EventLog eventLog();

    AckStore ackStore();

    CheckpointStore checkpointStore();

    MessageBus messageBus();

    @Component.Factory
    interface Factory {
        CliComponent create(@BindsInstance ExpiryPolicy expiry, @BindsInstance RedisSettings redis,
                            @BindsInstance MySqlSettings mySql, @BindsInstance RabbitMqSettings rabbitMq,
                            @BindsInstance Scheduler scheduler);
    }
}
