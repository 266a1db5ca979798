package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.Connection;
import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.eventsource.ports.MessageBus;
import jakarta.inject.Singleton;

/**
 * The RabbitMQ adapter for a Dagger component: binds {@link MessageBus} to a bus on one RabbitMQ connection. The
 * component supplies {@link RabbitMqSettings} and the {@link io.eventsource.domain.ExpiryPolicy} (with
 * {@code @BindsInstance}) and a {@link io.eventsource.ports.Scheduler}, and is {@code @Singleton}: one bus, one
 * connection, closed with {@link MessageBus#close()}.
 */
@Module
public abstract class RabbitMqModule {
    private RabbitMqModule() {
    }

    @Binds
    abstract MessageBus messageBus(RabbitMqMessageBus bus);

    /**
     * The bus's connection: automatic recovery on, topology recovery limited to the announcement topology.
     *
     * @throws io.eventsource.ports.PortException when the broker cannot be reached or refuses the credentials
     */
    @Provides
    @Singleton
    static Connection connection(RabbitMqSettings settings) {
        return RabbitMqConnections.open(settings);
    }
}
