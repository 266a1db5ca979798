package io.eventsource.examples.readme;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.mysql.MySqlAckStoreModule;
import io.eventsource.adapter.mysql.MySqlEventLogModule;
import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqModule;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisModule;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
import io.eventsource.core.RealTimeModule;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.micrometer.MicrometerModule;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** The blocks of the README's "Operate it" (see {@link ReadmeSnippets} for the markers). */
final class OperateSnippets {

    private OperateSnippets() {
    }

    // README: Operate it
    @Singleton
    @Component(modules = {EventsourceModule.class, MicrometerModule.class, MySqlEventLogModule.class,
            MySqlAckStoreModule.class, RabbitMqModule.class, RedisModule.class, RealTimeModule.class})
    interface App {
        Eventsource eventsource();

        @Component.Factory
        interface Factory {
            App create(@BindsInstance ExpiryPolicy expiry, @BindsInstance MeterRegistry meterRegistry,
                       @BindsInstance RabbitMqSettings rabbitMq, @BindsInstance RedisSettings redis,
                       @BindsInstance MySqlSettings mySql);
        }
    }
    // README: end

    /** The builder's block, on ports made earlier. */
    static Eventsource withoutDagger(EventLog log, AckStore acks, MessageBus bus, ServiceRegistry registry,
                                     MeterRegistry meterRegistry) {
        // README: Operate it (2)
        Eventsource eventsource = Eventsource.builder()
                .eventLog(log).ackStore(acks).messageBus(bus).serviceRegistry(registry)
                .metrics(MicrometerModule.metrics(meterRegistry))
                .build();
        // README: end
        return eventsource;
    }
}
