package io.eventsource.examples.readme;

import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventType;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ServiceName;
import io.eventsource.jackson.JacksonModule;
import io.eventsource.jackson.JacksonSettings;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;

import java.time.Instant;
import java.util.List;

/** The blocks of the README's "Typed events" (see {@link ReadmeSnippets} for the markers). */
final class TypedSnippets {

    private TypedSnippets() {
    }

    // README: Typed events
    public record OrderPaid(String orderId, long cents, Instant paidAt) { }      // events named OrderPaid
    @EventType("OrderDispatched") public record Shipped(String orderId, String carrier) { }
    // README: end

    /** Where the block's billing projection writes. */
    interface Ledger {
        void credit(AggregateId order, long cents);
    }

    /** Where the block's billing projection starts a parcel's tracking. */
    interface Tracking {
        void start(String carrier, long sequence);
    }

    /** The second block, on ports made earlier. */
    static Eventsource publishAndListen(EventLog log, AckStore acks, MessageBus bus, ServiceRegistry registry,
                                        Ledger ledger, Tracking tracking) {
        // README: Typed events (2)
        Eventsource eventsource = Eventsource.builder()
                .eventLog(log).ackStore(acks).messageBus(bus).serviceRegistry(registry)
                .serializer(JacksonModule.serializer(JacksonSettings.defaults()))
                .build();
        Publisher publisher = eventsource.publisher();

        AggregateRef order = AggregateRef.of("Order", "o-7");
        publisher.publish(order, new OrderPaid("o-7", 1299, Instant.now()));
        publisher.publishAll(order, ExpectedVersion.exactly(1),
                List.of(new Shipped("o-7", "DHL"), new OrderPaid("o-7", 100, Instant.now())));

        Listener billing = eventsource.listener(ServiceName.of("billing"));
        billing.listen("Order", "projections")
               .on(OrderPaid.class, (paid, event) -> ledger.credit(event.aggregate().id(), paid.cents()))
               .on(Shipped.class, (shipped, event) -> tracking.start(shipped.carrier(), event.sequence()));
        // README: end
        return eventsource;
    }

    /** The upcaster blocks: version 2 of the event, and the settings that read version 1 as it. */
    static final class Version2 {

        private Version2() {
        }

        // README: Typed events (3)
        @EventType(version = 2)
        public record OrderPaid(String orderId, long cents, String currency, Instant paidAt) { }
        // README: end

        static EventSerializer serializer() {
            // README: Typed events (4)
            JacksonSettings json = JacksonSettings.defaults()
                    .withUpcaster(OrderPaid.class, 1, v1 -> v1.put("currency", "EUR"));   // version 1 to 2; then 2 to 3, ...
            EventSerializer serializer = JacksonModule.serializer(json);     // or bind json with @BindsInstance in your component
            // README: end
            return serializer;
        }
    }
}
