package io.eventsource.spring;

import io.eventsource.adapter.inmemory.InMemoryAckStoreModule;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryEventLogModule;
import io.eventsource.adapter.inmemory.InMemoryServiceRegistryModule;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The four ports in memory, as an application's beans: the starter builds its runtime on them (on its own real-time
 * scheduler), so that the auto-configuration runs without any service.
 */
@Configuration(proxyBeanMethods = false)
class InMemoryPorts {

    @Bean
    InMemoryBroker broker(Scheduler scheduler, ExpiryPolicy expiry) {
        return new InMemoryBroker(scheduler, expiry);
    }

    @Bean
    MessageBus messageBus(InMemoryBroker broker) {
        return broker.connect();
    }

    @Bean
    ServiceRegistry serviceRegistry(ExpiryPolicy expiry) {
        return InMemoryServiceRegistryModule.serviceRegistry(expiry);
    }

    @Bean
    EventLog eventLog() {
        return InMemoryEventLogModule.eventLog();
    }

    @Bean
    AckStore ackStore() {
        return InMemoryAckStoreModule.ackStore();
    }
}
