package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventType;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.jackson.JacksonSettings;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The typed API end to end on the in-memory stack: records published, stored as JSON, handled as records with their
 * envelope; upcasting of an old version; an unreadable payload recorded as a failure; and a runtime without a
 * serializer that says what to add.
 */
class TypedEventsTest {
    private static final AggregateRef ORDER = AggregateRef.of("Order", "o-7");
    private static final Binding BILLING = Binding.of("billing", "Order", "projections");
    private static final Instant PAID_AT = Instant.parse("2030-01-01T10:00:00Z");

    public record OrderPaid(String orderId, long cents, Instant paidAt) {
    }

    public record OrderShipped(String orderId, String carrier) {
    }

    /** Version 2 of OrderPaid: version 1 had no currency, everything was in euros. */
    @EventType(value = "OrderPaid", version = 2)
    public record OrderPaidInCurrency(String orderId, long cents, String currency) {
    }

    private final List<String> handled = new CopyOnWriteArrayList<>();
    private TypedInMemoryPorts ports;
    private VirtualScheduler clock;

    @AfterEach
    void noTaskFailed() {
        if (ports != null) {
            ports.eventsource().stop();
            clock.advanceBy(Duration.ofSeconds(1));
            assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
        }
    }

    @Test
    void typedEventsArePublishedAndHandledAsTheirClassWithTheirEnvelope() {
        Eventsource eventsource = typedRuntime(JacksonSettings.defaults());
        Listener billing = eventsource.listener(ServiceName.of("billing"));
        billing.listen("Order", "projections")
                .on(OrderPaid.class, (paid, event) -> handled.add("#" + event.sequence() + " " + event.aggregate()
                        + " " + paid))
                .on(OrderShipped.class, (shipped, event) -> handled.add("#" + event.sequence() + " " + shipped));
        billing.start();
        settle();

        Publisher publisher = eventsource.publisher();
        Publication paid = publisher.publish(ORDER, new OrderPaid("o-7", 1299, PAID_AT));
        Publication more = publisher.publishAll(ORDER, ExpectedVersion.exactly(1),
                List.of(new OrderShipped("o-7", "DHL"), new OrderPaid("o-7", 100, PAID_AT)));
        CompletionStage<Publication> later = publisher.publishAsync(ORDER, new OrderShipped("o-7", "UPS"));
        settle();

        assertThat(paid.isSent()).isTrue();
        assertThat(more.events()).extracting(Event::sequence).containsExactly(2L, 3L);
        assertThat(later.toCompletableFuture()).isCompleted();
        assertThat(handled).containsExactly(
                "#1 Order-o-7 OrderPaid[orderId=o-7, cents=1299, paidAt=2030-01-01T10:00:00Z]",
                "#2 OrderShipped[orderId=o-7, carrier=DHL]",
                "#3 Order-o-7 OrderPaid[orderId=o-7, cents=100, paidAt=2030-01-01T10:00:00Z]",
                "#4 OrderShipped[orderId=o-7, carrier=UPS]");
        Event first = logged(ports.eventLog()).get(0);
        assertThat(first.name()).isEqualTo(EventName.of("OrderPaid"));
        assertThat(first.payload()).isEqualTo(
                Payload.json("{\"orderId\":\"o-7\",\"cents\":1299,\"paidAt\":\"2030-01-01T10:00:00Z\"}"));
        assertThat(ports.ackStore().lastSequence(BILLING.service(), BILLING.projection(), ORDER)).isEqualTo(4);
    }

    @Test
    void anEventPublishedAsBytesInAnOldVersionIsUpcastBeforeItsTypedHandlerSeesIt() {
        Eventsource eventsource = typedRuntime(JacksonSettings.defaults()
                .withUpcaster(OrderPaidInCurrency.class, 1, v1 -> v1.put("currency", "EUR")));
        Listener billing = eventsource.listener(ServiceName.of("billing"));
        billing.listen("Order", "projections")
                .on(OrderPaidInCurrency.class, (paid, event) -> handled.add(paid.toString()));
        billing.start();
        settle();

        eventsource.publisher().publish(ORDER, EventName.of("OrderPaid"), Payload.json("{\"orderId\":\"o-7\",\"cents\":5}"));
        eventsource.publisher().publish(ORDER, new OrderPaidInCurrency("o-7", 6, "CHF"));
        settle();

        assertThat(handled).containsExactly("OrderPaidInCurrency[orderId=o-7, cents=5, currency=EUR]",
                "OrderPaidInCurrency[orderId=o-7, cents=6, currency=CHF]");
        assertThat(logged(ports.eventLog()).get(1).payload().contentType()).isEqualTo("application/json;version=2");
    }

    @Test
    void aPayloadThatDoesNotFitItsClassFailsTheHandlerAndTheAckNamesTheEventAndTheClass() {
        Eventsource eventsource = typedRuntime(JacksonSettings.defaults());
        Listener billing = eventsource.listener(ServiceName.of("billing"));
        billing.listen("Order", "projections").on(OrderPaid.class, (paid, event) -> handled.add(paid.toString()));
        billing.start();
        settle();

        Event bad = eventsource.publisher().publish(ORDER, EventName.of("OrderPaid"),
                Payload.json("{\"orderId\":\"o-7\",\"cents\":\"lots\"}")).events().get(0);
        eventsource.publisher().publish(ORDER, new OrderPaid("o-7", 5, PAID_AT));
        clock.advanceBy(Duration.ofSeconds(2));

        Ack ack = ports.ackStore().find(List.of(AckKey.of(bad.id(), BILLING))).get(AckKey.of(bad.id(), BILLING));
        assertThat(ack.isOk()).isFalse();
        assertThat(ack.attempts()).as("retried per the failure policy").isEqualTo(FailurePolicy.seed().maxAttempts());
        assertThat(ack.lastError()).contains("UnreadableEventException").contains(bad.toString())
                .contains(OrderPaid.class.getName()).contains("\"lots\"");
        assertThat(handled).as("the next event goes on (the seed's policy)")
                .containsExactly("OrderPaid[orderId=o-7, cents=5, paidAt=2030-01-01T10:00:00Z]");
    }

    @Test
    void withoutASerializerTheTypedApiSaysWhatToAddAndTheByteApiWorks() {
        InMemoryPorts bytesOnly = InMemoryPorts.create();
        Eventsource eventsource = bytesOnly.eventsource();
        Publisher publisher = eventsource.publisher();
        ProjectionBinding binding = eventsource.listener(ServiceName.of("billing")).listen("Order", "projections");

        for (Runnable typed : List.<Runnable>of(
                () -> publisher.publish(ORDER, new OrderPaid("o-7", 1, PAID_AT)),
                () -> publisher.publishAsync(ORDER, new OrderPaid("o-7", 1, PAID_AT)),
                () -> publisher.publishAll(ORDER, ExpectedVersion.ANY, List.of(new OrderPaid("o-7", 1, PAID_AT))),
                () -> publisher.publishAllAsync(ORDER, ExpectedVersion.ANY, List.of(new OrderPaid("o-7", 1, PAID_AT))),
                () -> binding.on(OrderPaid.class, (paid, event) -> { }))) {
            assertThatThrownBy(typed::run).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("no EventSerializer bound: add JacksonModule");
        }
        assertThat(bytesOnly.eventLog().version(ORDER)).as("nothing appended").isZero();
        binding.on("OrderPaid", event -> handled.add(event.payload().asText()));
        assertThat(publisher.publish(ORDER, EventName.of("OrderPaid"), Payload.json("{}")).events()).hasSize(1);
        eventsource.stop();
        bytesOnly.scheduler().advanceBy(Duration.ofSeconds(1));
    }

    @Test
    void refusesWhatIsNotOneTypedEventAndAppendsNothing() {
        Publisher publisher = typedRuntime(JacksonSettings.defaults()).publisher();

        assertThatThrownBy(() -> publisher.publish(ORDER, (Object) List.of(new OrderShipped("o-7", "DHL"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publishAll(aggregate, expected, events)");
        assertThatThrownBy(() -> publisher.publish(ORDER, "{\"orderId\":\"o-7\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publish(aggregate, EventName, Payload)");
        assertThatThrownBy(() -> publisher.publishAll(ORDER, ExpectedVersion.ANY, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> publisher.publish(ORDER, (Object) null)).isInstanceOf(NullPointerException.class);
        assertThat(ports.eventLog().version(ORDER)).isZero();
    }

    private Eventsource typedRuntime(JacksonSettings json) {
        ports = DaggerTypedInMemoryPorts.factory().create(ExpiryPolicy.seed(), json);
        clock = ports.scheduler();
        return ports.eventsource();
    }

    private static List<Event> logged(EventLog log) {
        return log.read(LogQuery.all().ofType(ORDER.type())).events().stream().map(LoggedEvent::event).toList();
    }

    private void settle() {
        clock.advanceBy(Duration.ofMillis(100));
    }
}
