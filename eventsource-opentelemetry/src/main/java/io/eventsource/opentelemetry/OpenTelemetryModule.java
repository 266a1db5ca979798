package io.eventsource.opentelemetry;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.eventsource.core.EventTracing;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.inject.Singleton;

import java.util.Objects;
import java.util.Optional;

/**
 * Binds the runtime's {@link EventTracing} on the component's {@link OpenTelemetry}: list it beside
 * {@code EventsourceModule} and bind an {@code OpenTelemetry} (with {@code @BindsInstance}, or a {@code @Provides} of
 * the application, e.g. {@code GlobalOpenTelemetry.get()}). Without one in the component, no trace is captured or made
 * current ({@link EventTracing#NONE}); the listener still puts a carried {@code traceparent} in the SLF4J MDC. The
 * component must be {@code @Singleton}.
 *
 * <p>What it does: when an event is published, the current context is written into its metadata as W3C Trace Context
 * ({@code traceparent}, {@code tracestate}); when a binding handles it, a {@link io.opentelemetry.api.trace.SpanKind#CONSUMER}
 * span named {@code "{type} {projection} handle"}, child of the producer's span, is current around the handler.
 */
@Module
public abstract class OpenTelemetryModule {

    private OpenTelemetryModule() {
    }

    /** Optional: the application's OpenTelemetry; without one, nothing is traced. */
    @BindsOptionalOf
    abstract OpenTelemetry optionalOpenTelemetry();

    @Provides
    @Singleton
    static EventTracing eventTracing(Optional<OpenTelemetry> openTelemetry) {
        return openTelemetry.map(OpenTelemetryModule::tracing).orElse(EventTracing.NONE);
    }

    /**
     * Traces on {@code openTelemetry}, for {@code Eventsource.builder().tracing(...)} where no component is composed:
     * its tracer makes the handlers' consumer spans. The trace context travels as W3C Trace Context whatever
     * propagators {@code openTelemetry} is configured with, since it is what the listener reads. Thread-safe.
     */
    public static EventTracing tracing(OpenTelemetry openTelemetry) {
        return new OpenTelemetryEventTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }
}
