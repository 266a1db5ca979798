package io.eventsource.adapter.rabbitmq;

import dagger.Binds;
import dagger.Module;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;

import java.util.Objects;

/**
 * The RabbitMQ adapter for a Dagger component: binds {@link MessageBus} to a bus on one RabbitMQ connection. The
 * component supplies {@link RabbitMqSettings} and the {@link io.eventsource.domain.ExpiryPolicy} (with
 * {@code @BindsInstance}) and a {@link io.eventsource.ports.Scheduler}, and is {@code @Singleton}: one bus, one
 * connection, closed with {@link MessageBus#close()}. Providing the bus connects to the broker: it throws a
 * {@link io.eventsource.ports.PortException} when the broker cannot be reached or refuses the credentials.
 *
 * <p>Without Dagger, {@link #messageBus(RabbitMqSettings, ExpiryPolicy, Scheduler)} makes the same bus.
 */
@Module
public abstract class RabbitMqModule {
    private RabbitMqModule() {
    }

    /**
     * The bus on a connection of its own to the settings' broker, where no component is composed (a Spring Boot
     * application, a script): give it the runtime's expiry and scheduler ({@code Eventsource.builder().expiry(...)
     * .scheduler(...)}), and close it after the runtime.
     *
     * @throws io.eventsource.ports.PortException if the broker cannot be reached or refuses the credentials
     */
    public static MessageBus messageBus(RabbitMqSettings settings, ExpiryPolicy expiry, Scheduler scheduler) {
        return new RabbitMqMessageBus(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(expiry, "expiry"), Objects.requireNonNull(scheduler, "scheduler"));
    }

    // the bus opens and owns its connection, so that no com.rabbitmq type appears in a component's graph
    @Binds
    abstract MessageBus messageBus(RabbitMqMessageBus bus);
}
