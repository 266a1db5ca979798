package com.example.orders;

import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.domain.ServiceName;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The shipping service: ships every placed order, in its projection {@code shipments}. */
public final class Shipping {
    private final List<String> shipped = new CopyOnWriteArrayList<>();

    /** Binds shipping's projection to the {@code Order} events and starts listening. */
    public static Shipping start(Eventsource eventsource) {
        Shipping shipping = new Shipping();
        Listener listener = eventsource.listener(ServiceName.of("shipping"));
        listener.listen(Orders.ORDER, "shipments")
                .on(Orders.PLACED, event -> shipping.shipped.add(event.aggregate().id().value()));
        listener.start();
        return shipping;
    }

    /** The ids of the orders shipped so far, in the order they were handled. */
    public List<String> shipped() {
        return List.copyOf(shipped);
    }
}
