package io.eventsource.ports;

import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventType;

/**
 * Turns the objects that stand for events in the typed API (records such as {@code OrderPaid}) into the name and
 * payload that the event log and the broker carry, and events back into such objects. Optional: the byte API
 * ({@code EventName} and {@code Payload}) needs none; the typed API of the core needs one bound.
 *
 * <p>The name of a class's events is {@link EventName#of(Class)}: its {@link EventType} value, else its simple name.
 * The version of a class's payload shape is its {@link EventType#version()} (1 without the annotation); a payload
 * written at that version reads back into an equal object. An implementation may transform a payload of an older
 * version into the current shape before reading it (an upcaster); one it cannot bring to the class's version is
 * refused. Implementations are thread-safe.
 */
public interface EventSerializer {

    /**
     * The name that events of {@code type} carry.
     *
     * @throws io.eventsource.domain.InvalidValueException if the class has no valid event name
     */
    EventName nameOf(Class<?> type);

    /**
     * The name and payload of {@code event}, at the current version of its class.
     *
     * @throws io.eventsource.domain.InvalidValueException if the object cannot be written (a class the
     *         implementation cannot represent), naming its class and why
     */
    SerializedEvent serialize(Object event);

    /**
     * Reads {@code event}'s payload as an instance of {@code type}, whose name it must carry, upcasting an older
     * version of the payload first where the implementation can.
     *
     * @throws UnreadableEventException if the event carries another name than {@code type}'s, if its payload is of
     *         another format, of a version the class does not read (newer, or older with no way to upcast it), or does
     *         not fit the class: naming the event and the class
     */
    <T> T deserialize(Event event, Class<T> type);
}
