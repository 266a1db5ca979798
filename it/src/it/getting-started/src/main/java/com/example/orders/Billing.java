package com.example.orders;

import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.domain.ServiceName;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The billing service: invoices every placed order, in its projection {@code invoices}. */
public final class Billing {
    private final List<String> invoiced = new CopyOnWriteArrayList<>();

    /** Binds billing's projection to the {@code Order} events and starts listening. */
    public static Billing start(Eventsource eventsource) {
        Billing billing = new Billing();
        Listener listener = eventsource.listener(ServiceName.of("billing"));
        listener.listen(Orders.ORDER, "invoices")
                .on(Orders.PLACED, event -> billing.invoiced.add(event.aggregate().id().value()));
        listener.start();
        return billing;
    }

    /** The ids of the orders invoiced so far, in the order they were handled. */
    public List<String> invoiced() {
        return List.copyOf(invoiced);
    }
}
