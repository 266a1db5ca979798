/**
 * Traces from the producer to the handlers on OpenTelemetry: list
 * {@link io.eventsource.opentelemetry.OpenTelemetryModule} beside {@code EventsourceModule} in a Dagger component, or
 * give {@link io.eventsource.opentelemetry.OpenTelemetryModule#tracing} to {@code Eventsource.builder().tracing(...)}.
 */
package io.eventsource.opentelemetry;
