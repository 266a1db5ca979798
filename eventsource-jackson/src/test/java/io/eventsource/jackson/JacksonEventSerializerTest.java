package io.eventsource.jackson;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventType;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Payload;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.SerializedEvent;
import io.eventsource.ports.UnreadableEventException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the Jackson serializer adds to the contract: the JSON it writes, versions in the content type, upcasters. */
class JacksonEventSerializerTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final AggregateRef ORDER = AggregateRef.of("Order", "o-1");

    public record OrderPaid(String orderId, long cents, Instant paidAt) {
    }

    @EventType(value = "OrderPaid", version = 3)
    public record OrderPaidV3(String orderId, long amount, String currency, Instant paidAt) {
    }

    @EventType(value = "Delivered", version = 0)
    public record BadlyVersioned(String orderId) {
    }

    public record Delivered(String orderId, LocalDate on) {
    }

    /** Nothing Jackson can see: no public field, no getter. */
    public static final class Opaque {
        @SuppressWarnings("unused")
        private final int secret = 7;
    }

    private final EventSerializer serializer = JacksonModule.serializer(JacksonSettings.defaults());

    @Test
    void writesARecordAsAJsonObjectWithTimesAsIsoText() {
        SerializedEvent written = serializer.serialize(new OrderPaid("o-1", 1299, T0));

        assertThat(written.name()).isEqualTo(EventName.of("OrderPaid"));
        assertThat(written.payload().contentType()).isEqualTo("application/json");
        assertThat(written.payload().asText())
                .isEqualTo("{\"orderId\":\"o-1\",\"cents\":1299,\"paidAt\":\"2030-01-01T00:00:00Z\"}");
        assertThat(serializer.serialize(new Delivered("o-1", LocalDate.of(2030, 1, 2))).payload().asText())
                .isEqualTo("{\"orderId\":\"o-1\",\"on\":\"2030-01-02\"}");
    }

    @Test
    void writesTheVersionOfTheClassIntoTheContentTypeAboveVersionOne() {
        SerializedEvent written = serializer.serialize(new OrderPaidV3("o-1", 1299, "EUR", T0));

        assertThat(written.name()).isEqualTo(EventName.of("OrderPaid"));
        assertThat(written.payload().contentType()).isEqualTo("application/json;version=3");
        assertThat(serializer.deserialize(event("OrderPaid", written.payload()), OrderPaidV3.class))
                .isEqualTo(new OrderPaidV3("o-1", 1299, "EUR", T0));
    }

    @Test
    void readsJsonPublishedThroughTheByteApiIgnoringFieldsTheClassDoesNotKnow() {
        Event published = event("OrderPaid", Payload.json(
                "{ \"orderId\": \"o-1\", \"cents\": 5, \"paidAt\": \"2030-01-01T00:00:00Z\", \"note\": \"later field\" }"));

        assertThat(serializer.deserialize(published, OrderPaid.class)).isEqualTo(new OrderPaid("o-1", 5, T0));
    }

    @Test
    void upcastsAnOldPayloadThroughEachVersionInOrderBeforeReadingIt() {
        List<String> steps = new ArrayList<>();
        EventSerializer upcasting = JacksonModule.serializer(JacksonSettings.defaults()
                // registered out of order: the versions, not the order of registration, decide
                .withUpcaster("OrderPaid", 2, v2 -> {
                    steps.add("2->3");
                    v2.set("amount", v2.remove("cents"));
                    return v2;
                })
                .withUpcaster(OrderPaidV3.class, 1, v1 -> {
                    steps.add("1->2");
                    return v1.put("currency", "EUR");
                }));
        Event version1 = event("OrderPaid", serializer.serialize(new OrderPaid("o-1", 1299, T0)).payload());
        Event version2 = event("OrderPaid", json("{\"orderId\":\"o-2\",\"cents\":5,\"currency\":\"CHF\"}",
                "application/json;version=2"));

        assertThat(upcasting.deserialize(version1, OrderPaidV3.class)).isEqualTo(new OrderPaidV3("o-1", 1299, "EUR", T0));
        assertThat(steps).containsExactly("1->2", "2->3");
        steps.clear();
        assertThat(upcasting.deserialize(version2, OrderPaidV3.class)).isEqualTo(new OrderPaidV3("o-2", 5, "CHF", null));
        assertThat(steps).containsExactly("2->3");
    }

    @Test
    void saysWhichUpcasterIsMissing() {
        EventSerializer halfway = JacksonModule.serializer(JacksonSettings.defaults()
                .withUpcaster("OrderPaid", 1, v1 -> v1.put("currency", "EUR")));
        Event version1 = event("OrderPaid", serializer.serialize(new OrderPaid("o-1", 1299, T0)).payload());

        assertThatThrownBy(() -> halfway.deserialize(version1, OrderPaidV3.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining(version1.toString()).hasMessageContaining(OrderPaidV3.class.getName())
                .hasMessageContaining("no upcaster reads version 2")
                .hasMessageContaining("JacksonSettings.withUpcaster(\"OrderPaid\", 2, ...)");
    }

    @Test
    void anUpcasterThatFailsFailsTheReadNamingTheEventTheClassAndTheVersion() {
        IllegalStateException broken = new IllegalStateException("no currency for o-1");
        EventSerializer failing = JacksonModule.serializer(JacksonSettings.defaults()
                .withUpcaster("OrderPaid", 1, v1 -> {
                    throw broken;
                }));
        Event version1 = event("OrderPaid", serializer.serialize(new OrderPaid("o-1", 1299, T0)).payload());

        assertThatThrownBy(() -> failing.deserialize(version1, OrderPaidV3.class))
                .isInstanceOf(UnreadableEventException.class).hasCause(broken)
                .hasMessageContaining(version1.toString()).hasMessageContaining(OrderPaidV3.class.getName())
                .hasMessageContaining("upcaster of OrderPaid from version 1 failed");
    }

    @Test
    void refusesABadPayloadNamingTheEventTheClassAndWhatDidNotFit() {
        Event wrongType = event("OrderPaid", Payload.json("{\"orderId\":\"o-1\",\"cents\":\"lots\"}"));
        Event notJson = event("OrderPaid", Payload.text("o-1 paid 12.99"));
        Event badVersion = event("OrderPaid", json("{}", "application/json;version=two"));
        Event nullPayload = event("OrderPaid", Payload.json("null"));

        assertThatThrownBy(() -> serializer.deserialize(wrongType, OrderPaid.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageStartingWith("could not read " + wrongType + " as " + OrderPaid.class.getName())
                .hasMessageContaining("does not fit the class").hasMessageContaining("\"lots\"");
        assertThatThrownBy(() -> serializer.deserialize(notJson, OrderPaid.class))
                .isInstanceOf(UnreadableEventException.class).hasMessageContaining("text/plain;charset=utf-8, not JSON");
        assertThatThrownBy(() -> serializer.deserialize(badVersion, OrderPaid.class))
                .isInstanceOf(UnreadableEventException.class).hasMessageContaining("has version \"two\"");
        assertThatThrownBy(() -> serializer.deserialize(nullPayload, OrderPaid.class))
                .isInstanceOf(UnreadableEventException.class).hasMessageContaining("JSON null");
    }

    @Test
    void refusesToWriteWhatJacksonCannotNamingTheClass() {
        assertThatThrownBy(() -> serializer.serialize(new Opaque()))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("Could not write " + Opaque.class.getName() + " (event Opaque) as JSON");
        assertThatThrownBy(() -> serializer.serialize(new BadlyVersioned("o-1")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("@EventType version of " + BadlyVersioned.class.getName() + " must be 1 or more");
    }

    @Test
    void writesAndReadsWithTheMapperOfTheSettings() {
        EventSerializer snakeCase = JacksonModule.serializer(JacksonSettings.defaults().withObjectMapper(
                JacksonSettings.defaultObjectMapper().rebuild()
                        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build()));

        SerializedEvent written = snakeCase.serialize(new OrderPaid("o-1", 1299, T0));

        assertThat(written.payload().asText()).contains("\"order_id\":\"o-1\"").contains("\"paid_at\"");
        assertThat(snakeCase.deserialize(event("OrderPaid", written.payload()), OrderPaid.class))
                .isEqualTo(new OrderPaid("o-1", 1299, T0));
    }

    @Test
    void refusesTwoUpcastersOfOneVersionAndVersionsBelowOne() {
        JacksonSettings one = JacksonSettings.defaults().withUpcaster("OrderPaid", 1, v1 -> v1);

        assertThatThrownBy(() -> one.withUpcaster(OrderPaid.class, 1, v1 -> v1))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("two upcasters of OrderPaid from version 1");
        assertThatThrownBy(() -> one.withUpcaster("OrderPaid", 0, v0 -> v0))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("version 1 or more, got 0");
        assertThatThrownBy(() -> one.withUpcaster("Order Paid", 2, v2 -> v2))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("EventName");
    }

    private static Event event(String name, Payload payload) {
        return new Event(EventId.of("e-1"), ORDER, 1, EventName.of(name), payload, Map.of(), T0);
    }

    private static Payload json(String text, String contentType) {
        return new Payload(text.getBytes(StandardCharsets.UTF_8), contentType);
    }
}
