/**
 * Typed events as JSON through Jackson: {@link io.eventsource.jackson.JacksonModule} binds the
 * {@link io.eventsource.ports.EventSerializer} that the core's typed API uses, configured by
 * {@link io.eventsource.jackson.JacksonSettings} (the {@code ObjectMapper}, the upcasters).
 */
package io.eventsource.jackson;
