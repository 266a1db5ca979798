package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces from the producer to the handler on the in-memory adapter and the virtual clock: the metadata entries the
 * publisher writes, the SLF4J MDC around the handler (with or without a tracing bound), and the tracing's scope.
 */
class EventTracingTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String TRACESTATE = "congo=t61rcWkgMzE";
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final Binding ADS_PROJECTIONS = Binding.of("ads", "Product", "projections");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final List<Eventsource> runtimes = new CopyOnWriteArrayList<>();

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        MDC.clear();
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void withoutTracingTheListenerPutsTheCarriedTraceparentWithTheEventInTheMdcAroundTheHandler() {
        Eventsource producer = runtime(EventTracing.NONE);
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        listen(runtime(EventTracing.NONE), event -> seen.add(mdc()));
        // the test thread runs the handlers on the virtual clock: what it had in its MDC comes back afterwards
        MDC.put(EventTracing.MDC_EVENT, "outer");

        NewEvent traced = new NewEvent(EventId.of("e-1"), EventName.of("Created"), Payload.text("x"),
                Map.of(EventTracing.TRACEPARENT, TRACEPARENT, EventTracing.TRACESTATE, TRACESTATE, "tenant", "t-9"),
                clock.instant());
        producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(traced));
        producer.publisher().publish(P1, EventName.of("Renamed"), Payload.text("y"));
        settle();

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventTracing.MDC_EVENT, "e-1",
                EventTracing.MDC_AGGREGATE, "Product-1",
                EventTracing.MDC_BINDING, "ads:Product:projections",
                EventTracing.TRACEPARENT, TRACEPARENT,
                EventTracing.TRACESTATE, TRACESTATE));
        assertThat(seen.get(1)).as("an event without a trace: its own entries, no trace left from the one before")
                .containsEntry(EventTracing.MDC_AGGREGATE, "Product-1")
                .containsEntry(EventTracing.MDC_BINDING, "ads:Product:projections")
                .doesNotContainKeys(EventTracing.TRACEPARENT, EventTracing.TRACESTATE)
                .doesNotContainEntry(EventTracing.MDC_EVENT, "e-1");
        assertThat(mdc()).as("after the handlers, the thread's MDC is as it was")
                .containsExactlyEntriesOf(Map.of(EventTracing.MDC_EVENT, "outer"));
    }

    @Test
    void theTracingsContextIsWrittenIntoEventsThePublisherMakesButNotOverAMetadataTheCallerSet() {
        RecordingTracing tracing = new RecordingTracing(Map.of(EventTracing.TRACEPARENT, TRACEPARENT));
        Eventsource producer = runtime(tracing);

        Event made = producer.publisher().publish(P1, EventName.of("Created"), Payload.text("x")).events().get(0);
        NewEvent own = new NewEvent(EventId.random(), EventName.of("Renamed"), Payload.text("y"),
                Map.of(EventTracing.TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                clock.instant());
        Event kept = producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(own)).events().get(0);

        AggregateRepository<Integer> orders = AggregateRepository.of(producer, "Order", () -> 0,
                (state, event) -> state + 1);
        orders.save(orders.load("7"), EventName.of("Placed"), Payload.text("z"));
        Event saved = ports.eventLog().read(AggregateRef.of("Order", "7"), 1, 1).get(0);

        assertThat(made.metadata()).containsExactlyEntriesOf(Map.of(EventTracing.TRACEPARENT, TRACEPARENT));
        assertThat(saved.metadata()).as("an event the repository makes").isEqualTo(made.metadata());
        assertThat(kept.metadata()).as("a NewEvent the caller made keeps its metadata").isEqualTo(own.metadata());
        assertThat(ports.eventLog().read(P1, 1, 10)).extracting(Event::metadata)
                .as("the log stores the entries").containsExactly(made.metadata(), own.metadata());
    }

    @Test
    void theTracingRestoresTheEventsContextAroundEachAttemptOfTheHandlerAndHearsOfItsFailure() {
        RecordingTracing tracing = new RecordingTracing(Map.of(EventTracing.TRACEPARENT, TRACEPARENT));
        Eventsource producer = runtime(tracing);
        List<String> inHandler = new CopyOnWriteArrayList<>();
        listen(runtime(tracing), event -> {
            inHandler.add(String.join(",", tracing.calls));
            if (inHandler.size() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        });

        producer.publisher().publish(P1, EventName.of("Created"), Payload.text("x"));
        settle();
        clock.advanceBy(Duration.ofSeconds(10));

        assertThat(inHandler).as("the scope is open while the handler runs, once per attempt").containsExactly(
                "restore " + TRACEPARENT + " ads:Product:projections",
                "restore " + TRACEPARENT + " ads:Product:projections,failed first attempt fails,close,"
                        + "restore " + TRACEPARENT + " ads:Product:projections");
        assertThat(tracing.calls).as("every scope closed after its handler").endsWith("close").hasSize(5);
    }

    private Eventsource runtime(EventTracing tracing) {
        Eventsource runtime = Eventsource.builder().eventLog(ports.eventLog()).ackStore(ports.ackStore())
                .serviceRegistry(ports.registry()).messageBus(ports.broker().connect()).scheduler(clock)
                .expiry(ports.expiry()).options(EventsourceOptions.defaults().withPublishDeadline(Duration.ZERO))
                .tracing(tracing).build();
        runtimes.add(runtime);
        return runtime;
    }

    private void listen(Eventsource runtime, EventHandler handler) {
        Listener listener = runtime.listener(ServiceName.of("ads"));
        listener.listen("Product", "projections").onAny(handler);
        listener.start();
        settle();
    }

    private static Map<String, String> mdc() {
        Map<String, String> copy = MDC.getCopyOfContextMap();
        return copy == null ? Map.of() : new HashMap<>(copy);
    }

    private void settle() {
        clock.advanceBy(Duration.ofMillis(100));
    }

    /** Captures a fixed context, and records the scopes it restores, in order. */
    private static final class RecordingTracing implements EventTracing {
        private final Map<String, String> context;
        final List<String> calls = new CopyOnWriteArrayList<>();

        RecordingTracing(Map<String, String> context) {
            this.context = context;
        }

        @Override
        public Map<String, String> capture() {
            return context;
        }

        @Override
        public Scope restore(Event event, Binding binding) {
            calls.add("restore " + event.metadata().get(TRACEPARENT) + " " + binding);
            return new Scope() {
                @Override
                public void failed(Throwable failure) {
                    calls.add("failed " + failure.getMessage());
                }

                @Override
                public void close() {
                    calls.add("close");
                }
            };
        }
    }
}
