package io.eventsource.adapter.rabbitmq;

import dagger.Binds;
import dagger.Module;
import io.eventsource.ports.MessageBus;

/**
 * The RabbitMQ adapter for a Dagger component: binds {@link MessageBus} to a bus on one RabbitMQ connection. The
 * component supplies {@link RabbitMqSettings} and the {@link io.eventsource.domain.ExpiryPolicy} (with
 * {@code @BindsInstance}) and a {@link io.eventsource.ports.Scheduler}, and is {@code @Singleton}: one bus, one
 * connection, closed with {@link MessageBus#close()}. Providing the bus connects to the broker: it throws a
 * {@link io.eventsource.ports.PortException} when the broker cannot be reached or refuses the credentials.
 */
@Module
public abstract class RabbitMqModule {
    private RabbitMqModule() {
    }

    // the bus opens and owns its connection, so that no com.rabbitmq type appears in a component's graph
    @Binds
    abstract MessageBus messageBus(RabbitMqMessageBus bus);
}
