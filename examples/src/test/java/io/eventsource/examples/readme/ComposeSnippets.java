package io.eventsource.examples.readme;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import io.eventsource.adapter.inmemory.InMemoryEventLogModule;
import io.eventsource.adapter.mysql.MySqlAckStoreModule;
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
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.tck.ForwardingEventLog;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The blocks of the README's "Compose with Dagger" (see {@link ReadmeSnippets} for the markers). */
final class ComposeSnippets {

    private ComposeSnippets() {
    }

    /** Stands in for the reader's own adapter of the first block: an event log with an {@code @Inject} constructor. */
    static final class PostgresEventLog extends ForwardingEventLog {
        @Inject
        PostgresEventLog() {
            super(InMemoryEventLogModule.eventLog());
        }
    }

    // README: Compose with Dagger
    @Module
    interface PostgresEventLogModule {
        @Binds
        EventLog eventLog(PostgresEventLog log);   // your class, with an @Inject constructor
    }

    @Singleton
    @Component(modules = {EventsourceModule.class, PostgresEventLogModule.class, MySqlAckStoreModule.class,
            RabbitMqModule.class, RedisModule.class, RealTimeModule.class})
    interface App {
        Eventsource eventsource();

        SystemScheduler scheduler();   // close it last, after eventsource().close() and the ports

        @Component.Factory
        interface Factory {
            App create(@BindsInstance ExpiryPolicy expiry, @BindsInstance EventsourceOptions options,
                       @BindsInstance RabbitMqSettings rabbitMq, @BindsInstance RedisSettings redis,
                       @BindsInstance MySqlSettings mySql);
        }
    }
    // README: end

    /** The builder block, on ports and a scheduler made earlier. */
    static Eventsource withoutDagger(EventLog log, AckStore acks, MessageBus bus, ServiceRegistry registry,
                                     Scheduler scheduler) {
        // README: Compose with Dagger (2)
        Eventsource eventsource = Eventsource.builder()
                .eventLog(log).ackStore(acks).messageBus(bus).serviceRegistry(registry)   // required
                .scheduler(scheduler)                      // default: a SystemScheduler of its own, closed by close()
                .expiry(ExpiryPolicy.seed())               // default; the same policy the adapters were given
                .options(EventsourceOptions.defaults())    // default
                .build();
        // README: end
        return eventsource;
    }
}
