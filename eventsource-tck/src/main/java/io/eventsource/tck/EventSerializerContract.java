package io.eventsource.tck;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventType;
import io.eventsource.domain.Payload;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.SerializedEvent;
import io.eventsource.ports.UnreadableEventException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.eventsource.tck.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link EventSerializer}, whatever the format: event names from classes ({@link EventName#of(Class)}),
 * a typed event read back equal, and every read that cannot succeed refused with an {@link UnreadableEventException}
 * that names the event and the class (another name, a payload that does not fit, a newer version, an older one that
 * nothing upcasts). A serializer's test extends it and supplies one with no upcasters; the event classes below are
 * public records in an exported package.
 */
public abstract class EventSerializerContract {
    private static final AggregateRef ORDER = AggregateRef.of("Order", "o-7");

    /** An event named by its simple name, at version 1, with a time and a list in it. */
    public record OrderPaid(String orderId, long cents, Instant paidAt, List<String> items) {
    }

    /** Events named by annotation: another class for {@code OrderPaid} events, whose amount is text. */
    @EventType("OrderPaid")
    public record OrderPaidInWords(String orderId, String cents) {
    }

    /** Version 2 of {@code OrderPaid}: the amount in a currency. */
    @EventType(value = "OrderPaid", version = 2)
    public record OrderPaidV2(String orderId, long cents, String currency) {
    }

    /** An event of another name. */
    public record OrderShipped(String orderId) {
    }

    private EventSerializer serializer;

    /** The serializer under test, with no upcasters. */
    protected abstract EventSerializer newSerializer();

    @BeforeEach
    final void makeSerializer() {
        serializer = newSerializer();
    }

    @Test
    void namesEventsByTheirClassOrTheirAnnotation() {
        assertThat(serializer.nameOf(OrderPaid.class)).isEqualTo(EventName.of("OrderPaid"));
        assertThat(serializer.nameOf(OrderPaidInWords.class)).isEqualTo(EventName.of("OrderPaid"));
        assertThat(serializer.serialize(new OrderShipped("o-7")).name()).isEqualTo(EventName.of("OrderShipped"));
    }

    @Test
    void aTypedEventReadsBackEqual() {
        OrderPaid paid = new OrderPaid("o-7", 1299, T0.plusMillis(5), List.of("chair", "lamp"));

        SerializedEvent written = serializer.serialize(paid);

        assertThat(written.name()).isEqualTo(EventName.of("OrderPaid"));
        assertThat(serializer.deserialize(logged(written), OrderPaid.class)).isEqualTo(paid);
    }

    @Test
    void anotherClassOfTheSameNameReadsTheSameEvents() {
        SerializedEvent written = serializer.serialize(new OrderPaidInWords("o-7", "twelve"));

        assertThat(serializer.deserialize(logged(written), OrderPaidInWords.class))
                .isEqualTo(new OrderPaidInWords("o-7", "twelve"));
    }

    @Test
    void refusesAnEventOfAnotherName() {
        Event shipped = logged(serializer.serialize(new OrderShipped("o-7")));

        assertThatThrownBy(() -> serializer.deserialize(shipped, OrderPaid.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining(shipped.toString()).hasMessageContaining(OrderPaid.class.getName());
    }

    @Test
    void refusesAPayloadThatDoesNotFitTheClassNamingTheEventAndTheClass() {
        Event inWords = logged(serializer.serialize(new OrderPaidInWords("o-7", "twelve")));

        assertThatThrownBy(() -> serializer.deserialize(inWords, OrderPaid.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining(inWords.toString()).hasMessageContaining(OrderPaid.class.getName())
                .satisfies(e -> {
                    UnreadableEventException refused = (UnreadableEventException) e;
                    assertThat(refused.event()).isEqualTo(inWords.toString());
                    assertThat(refused.type()).isEqualTo(OrderPaid.class.getName());
                });
    }

    @Test
    void refusesACutPayload() {
        SerializedEvent written = serializer.serialize(new OrderPaid("o-7", 1299, T0, List.of("chair")));
        byte[] bytes = written.payload().bytes();
        Event cut = logged(new SerializedEvent(written.name(),
                new Payload(Arrays.copyOf(bytes, bytes.length / 2), written.payload().contentType())));

        assertThatThrownBy(() -> serializer.deserialize(cut, OrderPaid.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining(cut.toString()).hasMessageContaining(OrderPaid.class.getName());
    }

    @Test
    void refusesAPayloadOfANewerVersionThanTheClassReads() {
        Event newer = logged(serializer.serialize(new OrderPaidV2("o-7", 1299, "EUR")));

        assertThatThrownBy(() -> serializer.deserialize(newer, OrderPaidInWords.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining(newer.toString()).hasMessageContaining("version 2");
    }

    @Test
    void refusesAPayloadOfAnOlderVersionThatNothingUpcasts() {
        Event older = logged(serializer.serialize(new OrderPaid("o-7", 1299, T0, List.of())));

        assertThatThrownBy(() -> serializer.deserialize(older, OrderPaidV2.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining(older.toString()).hasMessageContaining("version 1");
    }

    @Test
    void refusesNulls() {
        Event event = logged(serializer.serialize(new OrderShipped("o-7")));

        assertThatThrownBy(() -> serializer.serialize(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> serializer.deserialize(null, OrderShipped.class)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> serializer.deserialize(event, null)).isInstanceOf(NullPointerException.class);
    }

    /** The event as the log would hand it to a handler. */
    private static Event logged(SerializedEvent written) {
        return new Event(EventId.random(), ORDER, 3, written.name(), written.payload(), Map.of(), T0);
    }
}
