package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventsourceException;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Payload;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The envelope of an event on the broker, version {@value #VERSION}. The payload's bytes are the message body;
 * everything else travels in AMQP properties and headers:
 *
 * <table>
 *   <caption>envelope version 1</caption>
 *   <tr><td>header {@code es-envelope-version}</td><td>{@code 1} (int); a message without it is not ours</td></tr>
 *   <tr><td>header {@code es-event-id}</td><td>the event id (also the AMQP {@code message-id} property)</td></tr>
 *   <tr><td>header {@code es-aggregate-type}</td><td>{@code Product}</td></tr>
 *   <tr><td>header {@code es-aggregate-id}</td><td>{@code 42}</td></tr>
 *   <tr><td>header {@code es-sequence}</td><td>the event's sequence in its aggregate (long)</td></tr>
 *   <tr><td>header {@code es-event-name}</td><td>{@code ProductCreated}</td></tr>
 *   <tr><td>header {@code es-occurred-at}</td><td>ISO-8601 instant, {@code 2024-05-01T12:00:00.123456Z}</td></tr>
 *   <tr><td>headers {@code es-meta-{key}}</td><td>one per metadata entry (string)</td></tr>
 *   <tr><td>property {@code content-type}</td><td>the payload's content type</td></tr>
 *   <tr><td>property {@code delivery-mode}</td><td>2, persistent</td></tr>
 * </table>
 *
 * An announcement carries the envelope version, aggregate type and aggregate id headers, and the aggregate id as
 * its {@code text/plain} body (as the seed sends it).
 */
final class EventEnvelope {
    static final int VERSION = 1;
    static final String VERSION_HEADER = "es-envelope-version";
    static final String EVENT_ID_HEADER = "es-event-id";
    static final String AGGREGATE_TYPE_HEADER = "es-aggregate-type";
    static final String AGGREGATE_ID_HEADER = "es-aggregate-id";
    static final String SEQUENCE_HEADER = "es-sequence";
    static final String EVENT_NAME_HEADER = "es-event-name";
    static final String OCCURRED_AT_HEADER = "es-occurred-at";
    static final String METADATA_PREFIX = "es-meta-";
    static final String ANNOUNCEMENT_CONTENT_TYPE = "text/plain";
    private static final int TRANSIENT = 1;
    private static final int PERSISTENT = 2;
    private static final int MAX_HEADER_NAME_BYTES = 255;
    private static final int QUOTED_LENGTH = 64;

    private EventEnvelope() {
    }

    /** A message ready to publish. */
    record Message(AMQP.BasicProperties properties, byte[] body) {
    }

    /**
     * An event as a message.
     *
     * @param persistent whether the broker writes it to disk (delivery mode 2) or keeps it in memory (1)
     */
    static Message encode(Event event, boolean persistent) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(VERSION_HEADER, VERSION);
        headers.put(EVENT_ID_HEADER, event.id().value());
        headers.put(AGGREGATE_TYPE_HEADER, event.aggregate().type().value());
        headers.put(AGGREGATE_ID_HEADER, event.aggregate().id().value());
        headers.put(SEQUENCE_HEADER, event.sequence());
        headers.put(EVENT_NAME_HEADER, event.name().value());
        headers.put(OCCURRED_AT_HEADER, event.occurredAt().toString());
        event.metadata().forEach((key, value) -> {
            String header = METADATA_PREFIX + key;
            if (header.getBytes(StandardCharsets.UTF_8).length > MAX_HEADER_NAME_BYTES) {
                throw new InvalidValueException("Event metadata key must fit an AMQP header name (at most "
                        + (MAX_HEADER_NAME_BYTES - METADATA_PREFIX.length()) + " bytes of UTF-8), got a key of "
                        + key.getBytes(StandardCharsets.UTF_8).length + " bytes in " + event);
            }
            headers.put(header, value);
        });
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(event.payload().contentType())
                .deliveryMode(persistent ? PERSISTENT : TRANSIENT)
                .messageId(event.id().value())
                .headers(headers)
                .build();
        return new Message(properties, event.payload().bytes());
    }

    /**
     * An announcement of news on the aggregate.
     *
     * @param persistent whether the broker writes it to disk (delivery mode 2) or keeps it in memory (1)
     */
    static Message encodeAnnouncement(AggregateRef aggregate, boolean persistent) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(VERSION_HEADER, VERSION);
        headers.put(AGGREGATE_TYPE_HEADER, aggregate.type().value());
        headers.put(AGGREGATE_ID_HEADER, aggregate.id().value());
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(ANNOUNCEMENT_CONTENT_TYPE)
                .deliveryMode(persistent ? PERSISTENT : TRANSIENT)
                .headers(headers)
                .build();
        return new Message(properties, aggregate.id().value().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads an event.
     *
     * @throws MalformedMessageException when the message is not a version-1 envelope of a valid event
     */
    static Event decode(AMQP.BasicProperties properties, byte[] body) throws MalformedMessageException {
        Map<String, Object> headers = versionedHeaders(properties);
        try {
            AggregateRef aggregate = new AggregateRef(AggregateType.of(string(headers, AGGREGATE_TYPE_HEADER)),
                    AggregateId.of(string(headers, AGGREGATE_ID_HEADER)));
            String contentType = properties.getContentType();
            if (contentType == null) {
                throw new MalformedMessageException("no content-type property");
            }
            Map<String, String> metadata = new HashMap<>();
            headers.forEach((name, value) -> {
                if (name.startsWith(METADATA_PREFIX) && value != null) {
                    metadata.put(name.substring(METADATA_PREFIX.length()), value.toString());
                }
            });
            return new Event(EventId.of(string(headers, EVENT_ID_HEADER)), aggregate, number(headers, SEQUENCE_HEADER),
                    EventName.of(string(headers, EVENT_NAME_HEADER)), new Payload(body == null ? new byte[0] : body,
                    contentType), metadata, Instant.parse(string(headers, OCCURRED_AT_HEADER)));
        } catch (EventsourceException | DateTimeParseException e) {
            throw new MalformedMessageException(e.getMessage());
        }
    }

    /**
     * Reads an announcement: the aggregate id from its header, or, from a producer that sends only the seed's bare
     * id, from the body.
     *
     * @throws MalformedMessageException when it names no valid aggregate id, or an aggregate of another type
     */
    static AggregateRef decodeAnnouncement(AggregateType expectedType, AMQP.BasicProperties properties, byte[] body)
            throws MalformedMessageException {
        Map<String, Object> headers = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
        try {
            if (headers.containsKey(VERSION_HEADER)) {
                versionedHeaders(properties);
                String type = string(headers, AGGREGATE_TYPE_HEADER);
                if (!expectedType.value().equals(type)) {
                    throw new MalformedMessageException("announcement of type " + quoted(type)
                            + " on the announcement queue of " + expectedType);
                }
                return new AggregateRef(expectedType, AggregateId.of(string(headers, AGGREGATE_ID_HEADER)));
            }
            String id = body == null ? "" : new String(body, StandardCharsets.UTF_8).trim();
            return new AggregateRef(expectedType, AggregateId.of(id));
        } catch (EventsourceException e) {
            throw new MalformedMessageException(e.getMessage());
        }
    }

    private static Map<String, Object> versionedHeaders(AMQP.BasicProperties properties) throws MalformedMessageException {
        Map<String, Object> headers = properties == null ? null : properties.getHeaders();
        if (headers == null || !headers.containsKey(VERSION_HEADER)) {
            throw new MalformedMessageException("no " + VERSION_HEADER + " header: not an eventsource envelope");
        }
        Object version = headers.get(VERSION_HEADER);
        if (!(version instanceof Number) || ((Number) version).longValue() != VERSION) {
            throw new MalformedMessageException("envelope version " + quoted(version) + " is not supported (this "
                    + "adapter reads version " + VERSION + ")");
        }
        return headers;
    }

    private static String string(Map<String, Object> headers, String name) throws MalformedMessageException {
        Object value = headers.get(name);
        if (value instanceof LongString || value instanceof String) {
            return value.toString();
        }
        throw new MalformedMessageException(value == null ? "missing header " + name
                : "header " + name + " must be a string, got " + value.getClass().getSimpleName());
    }

    /** A value the message supplied, for a reason that is logged: escaped and short. */
    private static String quoted(Object value) {
        return Untrusted.text(value, QUOTED_LENGTH);
    }

    private static long number(Map<String, Object> headers, String name) throws MalformedMessageException {
        Object value = headers.get(name);
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw new MalformedMessageException(value == null ? "missing header " + name
                : "header " + name + " must be an integer, got " + quoted(value));
    }
}
