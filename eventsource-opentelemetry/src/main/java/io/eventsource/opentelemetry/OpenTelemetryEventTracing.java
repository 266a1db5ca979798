package io.eventsource.opentelemetry;

import io.eventsource.core.EventTracing;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link EventTracing} on OpenTelemetry: the current context into an event's metadata through the
 * {@link W3CTraceContextPropagator}, and back out of it around each handler attempt, under a consumer span.
 */
final class OpenTelemetryEventTracing implements EventTracing {
    /** The instrumentation scope of the consumer spans. */
    static final String INSTRUMENTATION = "io.eventsource";
    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<String> AGGREGATE = AttributeKey.stringKey("eventsource.aggregate");
    static final AttributeKey<Long> SEQUENCE = AttributeKey.longKey("eventsource.sequence");
    static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("eventsource.event.name");
    static final AttributeKey<String> BINDING = AttributeKey.stringKey("eventsource.binding");

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> METADATA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> metadata) {
            return metadata.keySet();
        }

        @Override
        public String get(Map<String, String> metadata, String key) {
            return metadata == null ? null : metadata.get(key);
        }
    };

    private final Tracer tracer;

    OpenTelemetryEventTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    }

    @Override
    public Map<String, String> capture() {
        Map<String, String> entries = new HashMap<>(2);
        W3C.inject(Context.current(), entries, (carrier, key, value) -> carrier.put(key, value));
        return entries.isEmpty() ? Map.of() : Map.copyOf(entries);
    }

    @Override
    public EventTracing.Scope restore(Event event, Binding binding) {
        // the event's trace is the parent, not whatever the handler's thread had current
        Context parent = W3C.extract(Context.root(), event.metadata(), METADATA);
        Span span = tracer.spanBuilder(binding.type() + " " + binding.projection() + " handle")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, "eventsource")
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(DESTINATION, binding.type().value())
                .setAttribute(MESSAGE_ID, event.id().toString())
                .setAttribute(CONSUMER_GROUP, binding.service() + ":" + binding.projection())
                .setAttribute(AGGREGATE, event.aggregate().toString())
                .setAttribute(SEQUENCE, event.sequence())
                .setAttribute(EVENT_NAME, event.name().toString())
                .setAttribute(BINDING, binding.toString())
                .startSpan();
        io.opentelemetry.context.Scope current = parent.with(span).makeCurrent();
        return new EventTracing.Scope() {
            @Override
            public void failed(Throwable failure) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, String.valueOf(failure));
            }

            @Override
            public void close() {
                current.close();
                span.end();
            }
        };
    }
}
