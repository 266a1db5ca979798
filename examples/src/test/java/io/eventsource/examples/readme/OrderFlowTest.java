package io.eventsource.examples.readme;

import io.eventsource.core.AggregateRepository;
import io.eventsource.core.Listener;
import io.eventsource.core.Loaded;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;
import io.eventsource.testkit.EventsourceKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.eventsource.domain.AckStatus.OK;
import static org.assertj.core.api.Assertions.assertThat;

// The README's "Test with the test kit", run as it is shown (see ReadmeSnippets for the markers); Order is this
// package's, the aggregate of the README's "Event-sourced repository".
// README: Test with the test kit
class OrderFlowTest {
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
}
// README: end
