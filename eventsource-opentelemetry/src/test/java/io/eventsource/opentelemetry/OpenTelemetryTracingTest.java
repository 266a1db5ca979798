package io.eventsource.opentelemetry;

import io.eventsource.core.EventTracing;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** One trace from the producer's span to the handler, on the in-memory stack and the virtual clock. */
class OpenTelemetryTracingTest {
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();
    private final TracedSystem system = DaggerTracedSystem.factory().create(ExpiryPolicy.seed(),
            EventsourceOptions.defaults(), openTelemetry);
    private final Eventsource eventsource = system.eventsource();
    /** The span current in each run of the handler. */
    private final List<SpanContext> inHandler = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        eventsource.stop();
        system.clock().advanceBy(Duration.ofSeconds(1));
        openTelemetry.close();
    }

    @Test
    void theHandlerRunsInAConsumerSpanOfTheTraceThatPublished() {
        listen(event -> inHandler.add(Span.current().getSpanContext()));

        Span producer = openTelemetry.getTracer("test").spanBuilder("place order").startSpan();
        Event published;
        try (Scope ignored = producer.makeCurrent()) {
            published = eventsource.publisher().publish(P1, EventName.of("Created"), Payload.text("x")).events().get(0);
        } finally {
            producer.end();
        }
        system.clock().advanceBy(Duration.ofMillis(100));

        String traceId = producer.getSpanContext().getTraceId();
        assertThat(published.metadata()).containsOnlyKeys(EventTracing.TRACEPARENT)
                .containsEntry(EventTracing.TRACEPARENT, "00-" + traceId + "-" + producer.getSpanContext().getSpanId()
                        + "-" + producer.getSpanContext().getTraceFlags().asHex());
        assertThat(system.eventLog().read(P1, 1, 1)).extracting(Event::metadata).containsExactly(published.metadata());
        assertThat(inHandler).hasSize(1);
        assertThat(inHandler.get(0).getTraceId()).as("one trace from publish to the handler").isEqualTo(traceId);

        SpanData handle = consumerSpan();
        assertThat(handle.getName()).isEqualTo("Product projections handle");
        assertThat(handle.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(handle.getSpanContext()).as("the span current in the handler").isEqualTo(inHandler.get(0));
        assertThat(handle.getParentSpanId()).isEqualTo(producer.getSpanContext().getSpanId());
        assertThat(handle.getAttributes().get(OpenTelemetryEventTracing.MESSAGE_ID))
                .isEqualTo(published.id().toString());
        assertThat(handle.getAttributes().get(OpenTelemetryEventTracing.BINDING)).isEqualTo("ads:Product:projections");
        assertThat(handle.getAttributes().get(OpenTelemetryEventTracing.AGGREGATE)).isEqualTo("Product-1");
        assertThat(handle.getAttributes().get(OpenTelemetryEventTracing.SEQUENCE)).isEqualTo(1L);
        assertThat(handle.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(Span.current().getSpanContext().isValid()).as("nothing left current after the handler").isFalse();
    }

    @Test
    void aFailingAttemptEndsItsSpanAsAnError() {
        listen(event -> {
            throw new IllegalStateException("cannot project " + event.sequence());
        });

        eventsource.publisher().publish(P1, EventName.of("Created"), Payload.text("x"));
        system.clock().advanceBy(Duration.ofSeconds(5));

        List<SpanData> handled = spans.getFinishedSpanItems();
        assertThat(handled).as("one span per attempt, the seed's three").hasSize(3).allSatisfy(span -> {
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getEvents()).extracting(event -> event.getName()).containsExactly("exception");
        });
        assertThat(handled).as("published outside any trace: each attempt is a trace of its own")
                .extracting(span -> span.getParentSpanContext().isValid()).containsOnly(false);
    }

    @Test
    void aComponentWithoutOpenTelemetryTracesNothing() {
        EventTracing tracing = DaggerTracedSystem_Untraced.factory().create(ExpiryPolicy.seed()).tracing();

        assertThat(tracing).isSameAs(EventTracing.NONE);
    }

    private void listen(io.eventsource.core.EventHandler handler) {
        Listener ads = eventsource.listener(ServiceName.of("ads"));
        ads.listen("Product", "projections").onAny(handler);
        ads.start();
        system.clock().advanceBy(Duration.ofMillis(100));
    }

    private SpanData consumerSpan() {
        List<SpanData> consumers = spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.CONSUMER).toList();
        assertThat(consumers).hasSize(1);
        return consumers.get(0);
    }
}
