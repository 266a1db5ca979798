package io.eventsource.examples;

import io.eventsource.core.EventTracing;
import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.opentelemetry.OpenTelemetryModule;
import io.eventsource.tck.services.RealService;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace from a producer's span to the handler of another runtime across the real services (the event stored in
 * MariaDB/MySQL, carried by RabbitMQ), with {@code eventsource-opentelemetry} on both runtimes, in a namespace of its
 * own.
 */
class TracesIT {
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private static final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();
    /** Per handled event's id: the event as the handler got it, and the span current in the handler. */
    private static final Map<EventId, Event> handled = new ConcurrentHashMap<>();
    private static final Map<EventId, SpanContext> inHandler = new ConcurrentHashMap<>();

    private static RealStack stack;
    private static Eventsource producer;
    private static Eventsource listener;

    @BeforeAll
    static void start() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
        stack = RealStack.fresh(RealSettings.fromEnvironment(), "traces");
        producer = traced();
        listener = traced();
        Listener ads = listener.listener(ADS);
        ads.listen("Product", "projections").onAny(event -> {
            inHandler.put(event.id(), Span.current().getSpanContext());
            handled.put(event.id(), event);
        });
        ads.start();
        assertThat(stack.awaitUntil(() -> stack.registry().liveServices(AggregateType.of("Product"), Instant.now())
                .contains(ADS), DEADLINE)).as("ads live, so that the publish is sent, not left to the relay").isTrue();
    }

    /** A runtime of its own on the stack's ports, traced on the test's OpenTelemetry. */
    private static Eventsource traced() {
        return Eventsource.builder().eventLog(stack.eventLog()).ackStore(stack.ackStore())
                .messageBus(stack.messageBus()).serviceRegistry(stack.registry())
                .expiry(stack.settings().expiry()).options(stack.settings().options())
                .tracing(OpenTelemetryModule.tracing(openTelemetry)).build();
    }

    @AfterAll
    static void stop() {
        for (Eventsource runtime : new Eventsource[] {listener, producer}) {
            if (runtime != null) {
                runtime.close();
            }
        }
        if (stack != null) {
            RealSettings settings = stack.settings();
            stack.close();
            NamespaceCleanup.drop(settings, List.of(Binding.of("ads", "Product", "projections")));
        }
        openTelemetry.close();
    }

    @Test
    void theHandlerOfAnotherRuntimeRunsInTheTraceThatPublishedThroughTheRealBroker() {
        AggregateRef product = AggregateRef.of("Product", UUID.randomUUID().toString().substring(0, 8));
        Span order = openTelemetry.getTracer("test").spanBuilder("place order").startSpan();
        Event published;
        try (Scope ignored = order.makeCurrent()) {
            published = producer.publisher().publish(product, EventName.of("Created"), Payload.json("{}")).events()
                    .get(0);
        } finally {
            order.end();
        }
        String traceId = order.getSpanContext().getTraceId();

        assertThat(stack.awaitUntil(() -> inHandler.containsKey(published.id()), DEADLINE)).isTrue();
        assertThat(inHandler.get(published.id()).getTraceId()).as("one trace from publish to the handler")
                .isEqualTo(traceId);
        String traceparent = published.metadata().get(EventTracing.TRACEPARENT);
        assertThat(traceparent).startsWith("00-" + traceId + "-" + order.getSpanContext().getSpanId() + "-");
        assertThat(stack.eventLog().read(product, 1, 1)).extracting(event -> event.metadata().get(EventTracing.TRACEPARENT))
                .as("stored with the event").containsExactly(traceparent);
        assertThat(handled.get(published.id()).metadata()).containsEntry(EventTracing.TRACEPARENT, traceparent);
        assertThat(stack.awaitUntil(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(span -> span.getKind() == SpanKind.CONSUMER), DEADLINE)).isTrue();
        SpanData handle = spans.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.CONSUMER)
                .filter(span -> span.getTraceId().equals(traceId)).findFirst().orElseThrow();
        assertThat(handle.getName()).isEqualTo("Product projections handle");
        assertThat(handle.getParentSpanId()).isEqualTo(order.getSpanContext().getSpanId());
    }
}
