package io.eventsource.jackson;

/** Breaks: public in the serializer's package, but neither its Dagger module nor its settings record. */
public final class PublicJsonHelper {
}
