package io.eventsource.core.violation;

import io.opentelemetry.api.trace.Span;

/** Violates OPENTELEMETRY_ONLY_IN_THE_TRACING_MODULE: the core reads the current span directly. */
public class CoreWithOpenTelemetry {
    public String traceId() {
        return Span.current().getSpanContext().getTraceId();
    }
}
