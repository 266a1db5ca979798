package io.eventsource.core;

import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.SerializedEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The runtime's {@link EventSerializer}, if one is bound: the typed API's one way to names and payloads. */
final class TypedEvents {
    static final String NO_SERIALIZER = "no EventSerializer bound: add JacksonModule (artifact io.eventsource:"
            + "eventsource-jackson) to the component beside EventsourceModule, or give the Eventsource constructor an "
            + "EventSerializer, to publish and handle typed events; the byte API (EventName, Payload) needs none";

    /** A runtime without a serializer: the byte API only. */
    static final TypedEvents NONE = new TypedEvents(null);

    private final EventSerializer serializer;

    /** @param serializer the serializer, or null if none is bound */
    TypedEvents(EventSerializer serializer) {
        this.serializer = serializer;
    }

    /** @throws IllegalStateException if none is bound */
    EventSerializer serializer() {
        if (serializer == null) {
            throw new IllegalStateException(NO_SERIALIZER);
        }
        return serializer;
    }

    /**
     * Typed events as events to append: each named and serialized, with a random id, {@code metadata} (the trace
     * context captured for the call), occurred at {@code now}. A {@link NewEvent} among them is taken as it is.
     *
     * @throws IllegalStateException if no serializer is bound
     * @throws IllegalArgumentException if one is a collection, an array or text, or an event of the byte API that
     *         is not a {@link NewEvent}: a likely mistake, never a typed event
     */
    List<NewEvent> newEvents(List<?> events, Map<String, String> metadata, Instant now) {
        Objects.requireNonNull(events, "events");
        List<NewEvent> made = new ArrayList<>(events.size());
        for (Object event : events) {
            made.add(newEvent(event, metadata, now));
        }
        return made;
    }

    private NewEvent newEvent(Object event, Map<String, String> metadata, Instant now) {
        Objects.requireNonNull(event, "events must not contain null");
        if (event instanceof NewEvent ready) {
            return ready;
        }
        if (event instanceof Collection<?> || event.getClass().isArray()) {
            throw new IllegalArgumentException("a typed event is one object, got a " + event.getClass().getName()
                    + "; publish several events of one aggregate with publishAll(aggregate, expected, events)");
        }
        if (event instanceof Event || event instanceof Payload || event instanceof CharSequence) {
            throw new IllegalArgumentException("a typed event is an object of an event class (a record), got a "
                    + event.getClass().getName() + "; publish bytes with publish(aggregate, EventName, Payload)");
        }
        SerializedEvent serialized = serializer().serialize(event);
        return new NewEvent(EventId.timeOrdered(now), serialized.name(), serialized.payload(), metadata, now);
    }
}
