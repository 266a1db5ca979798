package io.eventsource.jackson.violation;

import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.SerializedEvent;

/** Breaks: a serializer's implementation is public instead of bound by its Dagger module. */
public final class PublicSerializer implements EventSerializer {
    @Override
    public EventName nameOf(Class<?> type) {
        return EventName.of(type);
    }

    @Override
    public SerializedEvent serialize(Object event) {
        throw new UnsupportedOperationException("a fixture of the architecture rules");
    }

    @Override
    public <T> T deserialize(Event event, Class<T> type) {
        throw new UnsupportedOperationException("a fixture of the architecture rules");
    }
}
