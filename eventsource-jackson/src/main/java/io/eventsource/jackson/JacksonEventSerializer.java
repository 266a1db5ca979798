package io.eventsource.jackson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventType;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Payload;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.SerializedEvent;
import io.eventsource.ports.UnreadableEventException;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Typed events as JSON. The payload's content type carries the version of its shape: {@code application/json} for
 * version 1 (what {@code Payload.json} writes, so that events published through the byte API read as typed events),
 * {@code application/json;version=N} above; a content type without the parameter is version 1.
 */
final class JacksonEventSerializer implements EventSerializer {
    private static final String JSON = Payload.JSON;
    private static final String VERSION = "version";

    private final ObjectMapper mapper;
    /** Per event name, per version read: the change to the next version. */
    private final Map<EventName, Map<Integer, UnaryOperator<ObjectNode>>> upcasters = new HashMap<>();

    JacksonEventSerializer(JacksonSettings settings) {
        this.mapper = settings.objectMapper();
        for (JacksonSettings.Upcaster upcaster : settings.upcasters()) {
            upcasters.computeIfAbsent(upcaster.event(), name -> new HashMap<>())
                    .put(upcaster.fromVersion(), upcaster.change());
        }
    }

    @Override
    public EventName nameOf(Class<?> type) {
        return EventName.of(type);
    }

    @Override
    public SerializedEvent serialize(Object event) {
        Objects.requireNonNull(event, "event");
        Class<?> type = event.getClass();
        EventName name = nameOf(type);
        int version = versionOf(type);
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InvalidValueException("Could not write " + type.getName() + " (event " + name + ") as JSON: "
                    + reason(e), e);
        }
        return new SerializedEvent(name, new Payload(json, version == 1 ? JSON : JSON + ";" + VERSION + "=" + version));
    }

    @Override
    public <T> T deserialize(Event event, Class<T> type) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(type, "type");
        EventName name = nameOf(type);
        if (!event.name().equals(name)) {
            throw new UnreadableEventException(event, type, "it is named " + event.name() + ", and "
                    + type.getSimpleName() + " reads the events named " + name, null);
        }
        int current = versionOf(type);
        int version = payloadVersion(event, type);
        if (version > current) {
            throw new UnreadableEventException(event, type, "its payload is version " + version + " of " + name
                    + ", newer than version " + current + " that the class reads; deploy the class of version "
                    + version + " here, then replay the failures", null);
        }
        try {
            T read = version == current
                    ? mapper.readValue(event.payload().bytes(), type)
                    : mapper.treeToValue(upcast(event, type, version, current), type);
            if (read == null) {
                throw new UnreadableEventException(event, type, "its payload is JSON null", null);
            }
            return read;
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreadableEventException(event, type, "its payload (version " + version + ") does not fit the"
                    + " class: " + reason(e), e);
        }
    }

    /** The payload as a tree, brought from {@code version} to {@code current} by the upcasters. */
    private ObjectNode upcast(Event event, Class<?> type, int version, int current) throws IOException {
        JsonNode tree = mapper.readTree(event.payload().bytes());
        if (!(tree instanceof ObjectNode)) {
            throw new UnreadableEventException(event, type, "its payload of version " + version + " is not a JSON"
                    + " object, so no upcaster can bring it to version " + current, null);
        }
        ObjectNode node = (ObjectNode) tree;
        Map<Integer, UnaryOperator<ObjectNode>> ofName = upcasters.getOrDefault(event.name(), Map.of());
        for (int from = version; from < current; from++) {
            UnaryOperator<ObjectNode> change = ofName.get(from);
            if (change == null) {
                throw new UnreadableEventException(event, type, "its payload is version " + version + " of "
                        + event.name() + " and the class reads version " + current + ", but no upcaster reads version "
                        + from + ": add one with JacksonSettings.withUpcaster(\"" + event.name() + "\", " + from
                        + ", ...)", null);
            }
            try {
                node = change.apply(node);
            } catch (RuntimeException e) {
                throw new UnreadableEventException(event, type, "the upcaster of " + event.name() + " from version "
                        + from + " failed: " + e, e);
            }
            if (node == null) {
                throw new UnreadableEventException(event, type, "the upcaster of " + event.name() + " from version "
                        + from + " returned null instead of a tree", null);
            }
        }
        return node;
    }

    /** The version a payload says it is: the content type's {@code version} parameter, 1 without it. */
    private static int payloadVersion(Event event, Class<?> type) {
        String contentType = event.payload().contentType();
        String[] parts = contentType.split(";");
        String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals(JSON) && !(media.startsWith("application/") && media.endsWith("+json"))) {
            throw new UnreadableEventException(event, type, "its payload is " + contentType + ", not JSON; read it"
                    + " through the byte API (EventHandler)", null);
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase(VERSION)) {
                String value = parameter[1].trim();
                try {
                    int version = Integer.parseInt(value);
                    if (version >= 1) {
                        return version;
                    }
                } catch (NumberFormatException e) {
                    // refused below, as a version below 1 is
                }
                throw new UnreadableEventException(event, type, "its content type " + contentType + " has version \""
                        + value + "\"; a version is a whole number from 1", null);
            }
        }
        return 1;
    }

    /** The version of the shape that {@code type} reads and writes: its {@link EventType#version()}, 1 without. */
    private static int versionOf(Class<?> type) {
        EventType annotation = type.getAnnotation(EventType.class);
        int version = annotation == null ? 1 : annotation.version();
        if (version < 1) {
            throw new InvalidValueException("The @EventType version of " + type.getName() + " must be 1 or more, got "
                    + version);
        }
        return version;
    }

    /** Jackson's own message, without the location and source excerpt it appends. */
    private static String reason(Exception e) {
        return e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : String.valueOf(e);
    }
}
