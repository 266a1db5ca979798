package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Payload;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventEnvelopeTest {
    private static final AggregateRef PRODUCT_42 = AggregateRef.of("Product", "42");
    private static final Event EVENT = new Event(EventId.of("e-1"), PRODUCT_42, 7, EventName.of("ProductRenamed"),
            Payload.json("{\"name\":\"chair\"}"), Map.of("correlation-id", "c-9", "user", "ann"),
            Instant.parse("2024-05-01T12:00:00.123456789Z"));

    @Test
    void carriesEveryFieldInDocumentedHeadersAndThePayloadAsBody() {
        EventEnvelope.Message message = EventEnvelope.encode(EVENT, true);

        AMQP.BasicProperties properties = message.properties();
        assertThat(properties.getHeaders())
                .containsEntry("es-envelope-version", 1)
                .containsEntry("es-event-id", "e-1")
                .containsEntry("es-aggregate-type", "Product")
                .containsEntry("es-aggregate-id", "42")
                .containsEntry("es-sequence", 7L)
                .containsEntry("es-event-name", "ProductRenamed")
                .containsEntry("es-occurred-at", "2024-05-01T12:00:00.123456789Z")
                .containsEntry("es-meta-correlation-id", "c-9")
                .containsEntry("es-meta-user", "ann");
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getDeliveryMode()).as("persistent").isEqualTo(2);
        assertThat(properties.getMessageId()).isEqualTo("e-1");
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"chair\"}");
    }

    @Test
    void aTransientEventDiffersOnlyInItsDeliveryMode() {
        AMQP.BasicProperties persistent = EventEnvelope.encode(EVENT, true).properties();
        AMQP.BasicProperties transientOne = EventEnvelope.encode(EVENT, false).properties();

        assertThat(transientOne.getDeliveryMode()).as("transient").isEqualTo(1);
        assertThat(transientOne.builder().deliveryMode(2).build().toString()).isEqualTo(persistent.toString());
    }

    @Test
    void decodesWhatItEncodes() throws MalformedMessageException {
        EventEnvelope.Message message = EventEnvelope.encode(EVENT, true);

        assertThat(EventEnvelope.decode(asReceived(message.properties()), message.body())).isEqualTo(EVENT);
    }

    @Test
    void decodesAnEmptyPayload() throws MalformedMessageException {
        Event empty = new Event(EventId.of("e-2"), PRODUCT_42, 1, EventName.of("Touched"),
                new Payload(new byte[0], "application/octet-stream"), Map.of(), Instant.EPOCH);
        EventEnvelope.Message message = EventEnvelope.encode(empty, true);

        assertThat(EventEnvelope.decode(asReceived(message.properties()), null)).isEqualTo(empty);
    }

    @Test
    void refusesAMessageWithoutTheEnvelopeVersion() {
        AMQP.BasicProperties plain = new AMQP.BasicProperties.Builder().contentType("text/plain").build();

        assertThatThrownBy(() -> EventEnvelope.decode(plain, "hello".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("not an eventsource envelope");
    }

    @Test
    void refusesAnotherEnvelopeVersion() {
        Map<String, Object> headers = new HashMap<>(EventEnvelope.encode(EVENT, true).properties().getHeaders());
        headers.put("es-envelope-version", 2);

        assertThatThrownBy(() -> EventEnvelope.decode(withHeaders(headers), new byte[0]))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("envelope version 2 is not supported");
    }

    @Test
    void aForgedHeaderReachesTheReasonEscapedAndShort() {
        Map<String, Object> headers = new HashMap<>(EventEnvelope.encode(EVENT, true).properties().getHeaders());
        headers.put("es-envelope-version", "1\n2030-01-01 ERROR forged line" + "x".repeat(10_000));
        Map<String, Object> badId = new HashMap<>(EventEnvelope.encode(EVENT, true).properties().getHeaders());
        badId.put("es-aggregate-id", "42\r\nforged\u001b[2J" + "y".repeat(10_000));

        assertThatThrownBy(() -> EventEnvelope.decode(withHeaders(headers), new byte[0]))
                .isInstanceOf(MalformedMessageException.class)
                .satisfies(refused -> assertThat(refused.getMessage())
                        .contains("envelope version 1\\n2030-01-01 ERROR forged line")
                        .doesNotContain("\n").hasSizeLessThan(400));
        assertThatThrownBy(() -> EventEnvelope.decode(withHeaders(badId), new byte[0]))
                .isInstanceOf(MalformedMessageException.class)
                .satisfies(refused -> assertThat(refused.getMessage()).contains("AggregateId")
                        .contains("42\\r\\nforged\\u001b[2J").doesNotContain("\r", "\n", "\u001b")
                        .hasSizeLessThan(400));
    }

    @Test
    void refusesAMissingOrMistypedHeader() {
        Map<String, Object> missing = new HashMap<>(EventEnvelope.encode(EVENT, true).properties().getHeaders());
        missing.remove("es-event-id");
        Map<String, Object> mistyped = new HashMap<>(EventEnvelope.encode(EVENT, true).properties().getHeaders());
        mistyped.put("es-sequence", "seven");

        assertThatThrownBy(() -> EventEnvelope.decode(withHeaders(missing), new byte[0]))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("missing header es-event-id");
        assertThatThrownBy(() -> EventEnvelope.decode(withHeaders(mistyped), new byte[0]))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("es-sequence must be an integer");
    }

    @Test
    void refusesInvalidDomainValues() {
        Map<String, Object> headers = new HashMap<>(EventEnvelope.encode(EVENT, true).properties().getHeaders());
        headers.put("es-aggregate-id", "has space");
        Map<String, Object> badTime = new HashMap<>(EventEnvelope.encode(EVENT, true).properties().getHeaders());
        badTime.put("es-occurred-at", "yesterday");
        Map<String, Object> badSequence = new HashMap<>(EventEnvelope.encode(EVENT, true).properties().getHeaders());
        badSequence.put("es-sequence", 0L);

        assertThatThrownBy(() -> EventEnvelope.decode(withHeaders(headers), new byte[0]))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("AggregateId");
        assertThatThrownBy(() -> EventEnvelope.decode(withHeaders(badTime), new byte[0]))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("yesterday");
        assertThatThrownBy(() -> EventEnvelope.decode(withHeaders(badSequence), new byte[0]))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("sequence");
    }

    @Test
    void refusesToEncodeAMetadataKeyThatCannotBeAnAmqpHeader() {
        Event longKey = new Event(EventId.of("e-3"), PRODUCT_42, 1, EventName.of("Touched"), Payload.text(""),
                Map.of("k".repeat(250), "v"), Instant.EPOCH);

        assertThatThrownBy(() -> EventEnvelope.encode(longKey, true))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("AMQP header name");
    }

    @Test
    void readsAnnouncementsFromHeadersOrFromTheSeedsBareBody() throws MalformedMessageException {
        EventEnvelope.Message announcement = EventEnvelope.encodeAnnouncement(PRODUCT_42, true);
        AMQP.BasicProperties bare = new AMQP.BasicProperties.Builder().build();

        assertThat(EventEnvelope.decodeAnnouncement(PRODUCT_42.type(), asReceived(announcement.properties()),
                announcement.body())).isEqualTo(PRODUCT_42);
        assertThat(EventEnvelope.decodeAnnouncement(PRODUCT_42.type(), bare, "42".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(PRODUCT_42);
    }

    @Test
    void refusesAnnouncementsOfAnotherTypeOrWithoutAValidId() {
        EventEnvelope.Message order = EventEnvelope.encodeAnnouncement(AggregateRef.of("Order", "1"), false);
        AMQP.BasicProperties bare = new AMQP.BasicProperties.Builder().build();

        assertThatThrownBy(() -> EventEnvelope.decodeAnnouncement(AggregateType.of("Product"),
                asReceived(order.properties()), order.body()))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("announcement of type Order");
        assertThatThrownBy(() -> EventEnvelope.decodeAnnouncement(AggregateType.of("Product"), bare,
                "not an id!".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("AggregateId");
    }

    /** Strings come back from the broker as LongStrings. */
    private static AMQP.BasicProperties asReceived(AMQP.BasicProperties sent) {
        Map<String, Object> headers = new HashMap<>();
        sent.getHeaders().forEach((name, value) -> headers.put(name,
                value instanceof String ? LongStringHelper.asLongString((String) value) : value));
        return sent.builder().headers(headers).build();
    }

    private static AMQP.BasicProperties withHeaders(Map<String, Object> headers) {
        return asReceived(EventEnvelope.encode(EVENT, true).properties().builder().headers(headers).build());
    }
}
