package io.eventsource.testkit;

import io.eventsource.core.Listener;
import io.eventsource.domain.AggregateRef;
import io.eventsource.jackson.JacksonModule;
import io.eventsource.jackson.JacksonSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.eventsource.domain.AckStatus.OK;
import static org.assertj.core.api.Assertions.assertThat;

/** The order scenario with typed events: records published, records handled, in order, by two services. */
class TypedOrderTest {
    @RegisterExtension
    final EventsourceKit kit = EventsourceKit.create().withSerializer(JacksonModule.serializer(JacksonSettings.defaults()));

    final List<String> billed = new CopyOnWriteArrayList<>();
    final List<String> shipped = new CopyOnWriteArrayList<>();

    @Test
    void billingAndShippingHandleTheTypedEventsOfAnOrderInOrder() {
        Listener billing = kit.listener("billing");
        billing.listen("Order", "invoices")
                .on(OrderPlaced.class, (placed, event) -> billed.add("placed " + placed.customer()))
                .on(OrderPaid.class, (paid, event) -> billed.add("paid " + paid.cents()));
        billing.start();
        Listener shipping = kit.listener("shipping");
        shipping.listen("Order", "parcels")
                .on(OrderPlaced.class, (placed, event) -> shipped.add("pack for " + placed.customer()));
        shipping.start();
        AggregateRef order = AggregateRef.of("Order", "1");

        kit.publisher().publish(order, new OrderPlaced("ada"));
        kit.publisher().publish(order, new OrderPaid(1299));
        kit.settle();

        assertThat(billed).containsExactly("placed ada", "paid 1299");
        assertThat(shipped).containsExactly("pack for ada");
        assertThat(kit.acksOf("billing", "invoices")).extracting(ack -> ack.status()).containsExactly(OK, OK);
    }

    /** An order was placed. */
    public record OrderPlaced(String customer) {
    }

    /** An order was paid. */
    public record OrderPaid(long cents) {
    }
}
