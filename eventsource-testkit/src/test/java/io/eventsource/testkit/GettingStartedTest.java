package io.eventsource.testkit;

import io.eventsource.core.AggregateRepository;
import io.eventsource.core.Listener;
import io.eventsource.core.Loaded;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.eventsource.domain.AckStatus.OK;
import static org.assertj.core.api.Assertions.assertThat;

/** A new user's first tests, as the README shows them: an order billed and shipped, and an instance that crashes. */
class GettingStartedTest {
    @RegisterExtension
    final EventsourceKit kit = EventsourceKit.create();

    final List<String> billed = new CopyOnWriteArrayList<>();
    final List<String> shipped = new CopyOnWriteArrayList<>();

    @Test
    void billingAndShippingHandleTheEventsOfAnOrderInOrder() {
        kit.listen("billing", "Order", "invoices", event -> billed.add(event.name().value()));
        kit.listen("shipping", "Order", "parcels", event -> shipped.add(event.name().value()));
        AggregateRepository<Order> orders = AggregateRepository.of(kit.eventsource(), "Order", Order::initial, Order::apply);

        Loaded<Order> placed = orders.save(orders.load("1"), EventName.of("OrderPlaced"), Payload.json("{}"));
        orders.save(placed, EventName.of("OrderPaid"), Payload.text("1299"));
        kit.settle();

        assertThat(billed).containsExactly("OrderPlaced", "OrderPaid");
        assertThat(shipped).containsExactly("OrderPlaced", "OrderPaid");
        assertThat(kit.acksOf("billing", "invoices")).extracting(Ack::status).containsExactly(OK, OK);
        assertThat(orders.load("1").state()).isEqualTo(new Order(true, 1299));
    }

    @Test
    void aSecondInstanceTakesOverFromOneThatCrashedAndNothingIsLost() {
        AggregateRef order = AggregateRef.of("Order", "1");
        Listener first = kit.listen("billing", "Order", "invoices", event -> billed.add("first " + event.name()));
        kit.publisher().publish(order, EventName.of("OrderPlaced"), Payload.json("{}"));
        kit.settle();
        kit.listen("billing", "Order", "invoices", event -> billed.add("second " + event.name()));

        kit.publisher().publish(order, EventName.of("OrderPaid"), Payload.text("1299"));
        kit.crash(first);
        kit.settle();

        assertThat(billed).containsExactly("first OrderPlaced", "second OrderPaid");
    }

    /** The order aggregate of the README. */
    record Order(boolean placed, long paid) {
        static Order initial() {
            return new Order(false, 0);
        }

        Order apply(Event event) {
            switch (event.name().value()) {
                case "OrderPlaced":
                    return new Order(true, paid);
                case "OrderPaid":
                    return new Order(placed, paid + Long.parseLong(event.payload().asText()));
                default:
                    return this;
            }
        }
    }
}
