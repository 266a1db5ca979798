package io.eventsource.jackson;

import io.eventsource.ports.EventSerializer;
import io.eventsource.tck.EventSerializerContract;

/** The Jackson serializer with its default settings passes the serializer contract. */
class JacksonEventSerializerContractTest extends EventSerializerContract {
    @Override
    protected EventSerializer newSerializer() {
        return JacksonModule.serializer(JacksonSettings.defaults());
    }
}
