package io.eventsource.adapter.rabbitmq.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.rabbitmq.RabbitMqModule;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import jakarta.inject.Singleton;

/** A deployment's view of the adapter: only its public module and settings, from another package. */
@Singleton
@Component(modules = RabbitMqModule.class)
interface RabbitMqComponent {
    MessageBus messageBus();

    @Component.Factory
    interface Factory {
        RabbitMqComponent create(@BindsInstance RabbitMqSettings settings, @BindsInstance ExpiryPolicy expiry,
                                 @BindsInstance Scheduler scheduler);
    }
}
