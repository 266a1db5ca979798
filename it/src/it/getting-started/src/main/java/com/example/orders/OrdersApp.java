package com.example.orders;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
import io.eventsource.domain.ExpiryPolicy;
import jakarta.inject.Singleton;

/**
 * The orders service composed on eventsource: the runtime from the core's module, every port in memory. A deployment
 * lists the RabbitMQ, Redis and MySQL adapters' modules instead of {@link InMemoryModule}.
 */
@Singleton
@Component(modules = {EventsourceModule.class, InMemoryModule.class})
public interface OrdersApp {

    /** The runtime: the publisher and one listener per service. */
    Eventsource eventsource();

    /** The in-memory adapter's virtual clock: time passes when it is advanced. */
    VirtualScheduler clock();

    /** Creates the app with the lifecycle durations that the runtime and the adapters share. */
    @Component.Factory
    interface Factory {
        OrdersApp create(@BindsInstance ExpiryPolicy expiry);
    }

    /** The app with the seed's durations (5 s idle consumers, 30 s queue expiry). */
    static OrdersApp create() {
        return DaggerOrdersApp.factory().create(ExpiryPolicy.seed());
    }
}
