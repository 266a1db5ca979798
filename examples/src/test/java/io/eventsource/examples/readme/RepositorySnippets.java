package io.eventsource.examples.readme;

import io.eventsource.core.AggregateRepository;
import io.eventsource.core.Eventsource;
import io.eventsource.core.Loaded;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;
import io.eventsource.ports.SnapshotStore;

/** The blocks of the README's "Event-sourced repository" (see {@link ReadmeSnippets} for the markers). */
final class RepositorySnippets {

    private RepositorySnippets() {
    }

    /** The first block, on a runtime made earlier; its {@code Order} is a local record, as the block shows it. */
    static Loaded<?> loadAndSave(Eventsource eventsource) {
        // README: Event-sourced repository
        record Order(boolean placed, long paid) {
            static Order initial() { return new Order(false, 0); }

            Order apply(Event event) {
                switch (event.name().value()) {
                    case "OrderPlaced": return new Order(true, paid);
                    case "OrderPaid": return new Order(placed, paid + Long.parseLong(event.payload().asText()));
                    default: return this;                      // an event it ignores still counts towards the version
                }
            }
        }

        AggregateRepository<Order> orders = AggregateRepository.of(eventsource, "Order", Order::initial, Order::apply);
        Loaded<Order> order = orders.load("7");                // the state and the version it stands at (0: no events yet)
        if (order.state().placed()) {
            order = orders.save(order, EventName.of("OrderPaid"), Payload.text("1299"));
        }
        // README: end
        return order;
    }

    /** The snapshot block, with {@link Order}'s encoding. */
    static AggregateRepository<Order> withSnapshots(Eventsource eventsource, SnapshotStore snapshotStore) {
        // README: Event-sourced repository (2)
        AggregateRepository<Order> orders = AggregateRepository.of(eventsource, "Order", Order::initial, Order::apply)
                .withSnapshots(snapshotStore, 100, Order::toPayload, Order::fromPayload);
        // README: end
        return orders;
    }
}
