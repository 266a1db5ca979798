package io.eventsource.jackson.violation;

import io.eventsource.core.violation.CoreRuntime;

/** Breaks: the serializer does not see the core. */
final class SerializerSeeingTheCore {
    CoreRuntime runtime;
}
