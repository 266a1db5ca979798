package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.DuplicateEventIdException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.domain.PayloadTooLargeException;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.tck.ForwardingEventLog;
import io.eventsource.tck.ForwardingMessageBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Publishing the same events again (a retry after a timeout) and publishing what no store should take, through
 * {@link Publisher}, on the in-memory ports: what the caller gets, what the log holds, what the handlers see.
 */
class PublisherRetryAndLimitTest {
    private static final AggregateRef PRODUCT = AggregateRef.of("Product", "42");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final List<Eventsource> runtimes = new ArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final AtomicInteger appendAlls = new AtomicInteger();
    private final AtomicInteger eventsSent = new AtomicInteger();
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void aPublishSentAgainReturnsTheStoredEventsAndTheyAreHandledOnce() {
        Publisher publisher = producer(EventsourceOptions.defaults()).publisher();
        listen();
        NewEvent renamed = event("Renamed");

        Publication first = publisher.publish(PRODUCT, renamed);
        Publication again = publisher.publish(PRODUCT, renamed);
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(again.isSent()).isTrue();
        assertThat(again.events()).isEqualTo(first.events()).containsExactly(renamed.at(PRODUCT, 1));
        assertThat(ports.eventLog().version(PRODUCT)).isEqualTo(1);
        assertThat(handled).containsExactly("Product-42#1 Renamed");
    }

    @Test
    void aBatchSentAgainAtTheVersionItFirstExpectedReturnsTheStoredEventsAfterTheAggregateMovedOn() {
        Publisher publisher = producer(EventsourceOptions.defaults()).publisher();
        listen();
        List<NewEvent> renamedAndRestocked = List.of(event("Renamed"), event("Restocked"));

        publisher.publish(PRODUCT, ExpectedVersion.NONE, renamedAndRestocked);
        publisher.publish(PRODUCT, ExpectedVersion.exactly(2), List.of(event("Discontinued")));
        Publication again = publisher.publish(PRODUCT, ExpectedVersion.NONE, renamedAndRestocked);
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(again.events()).extracting(Event::sequence).containsExactly(1L, 2L);
        assertThat(again.events()).extracting(Event::id)
                .containsExactly(renamedAndRestocked.get(0).id(), renamedAndRestocked.get(1).id());
        assertThat(ports.eventLog().version(PRODUCT)).isEqualTo(3);
        assertThat(handled).containsExactly("Product-42#1 Renamed", "Product-42#2 Restocked",
                "Product-42#3 Discontinued");
    }

    @Test
    void aRetryMadeWhileItsFirstTryWaitsInTheSameBatchGetsTheSameEventsWhichAreSentOnce() {
        Publisher publisher = producer(EventsourceOptions.defaults()).publisher();
        listen();
        NewEvent renamed = event("Renamed");

        CompletableFuture<Publication> first = publisher.publishAsync(PRODUCT, renamed).toCompletableFuture();
        CompletableFuture<Publication> retry = publisher.publishAsync(PRODUCT, renamed).toCompletableFuture();
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(appendAlls).as("one batch").hasValue(1);
        assertThat(retry.join().events()).isEqualTo(first.join().events()).hasSize(1);
        assertThat(retry.join().isSent()).isTrue();
        assertThat(eventsSent).as("events handed to the broker").hasValue(1);
        assertThat(handled).containsExactly("Product-42#1 Renamed");
    }

    @Test
    void anIdUsedAgainForOtherContentIsADuplicateEventIdAndWritesNothing() {
        Publisher publisher = producer(EventsourceOptions.defaults()).publisher();
        NewEvent renamed = event("Renamed");
        publisher.publish(PRODUCT, renamed);
        NewEvent otherContent = new NewEvent(renamed.id(), EventName.of("Restocked"), Payload.json("{\"stock\":5}"),
                Map.of(), renamed.occurredAt());

        assertThatThrownBy(() -> publisher.publish(PRODUCT, otherContent))
                .isInstanceOfSatisfying(DuplicateEventIdException.class, refused ->
                        assertThat(refused.eventIds()).containsExactly(renamed.id()))
                .hasMessageContaining("with other content (name Renamed, not Restocked");
        CompletableFuture<Publication> async = publisher.publishAsync(PRODUCT, otherContent).toCompletableFuture();
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(async.handle((done, error) -> error).join()).isInstanceOf(DuplicateEventIdException.class);
        assertThat(ports.eventLog().version(PRODUCT)).isEqualTo(1);
    }

    @Test
    void storedEventsPublishedWithNewOnesAreRefusedWhole() {
        Publisher publisher = producer(EventsourceOptions.defaults()).publisher();
        NewEvent renamed = event("Renamed");
        NewEvent restocked = event("Restocked");
        publisher.publish(PRODUCT, ExpectedVersion.NONE, List.of(renamed));

        assertThatThrownBy(() -> publisher.publish(PRODUCT, ExpectedVersion.NONE, List.of(renamed, restocked)))
                .isInstanceOf(DuplicateEventIdException.class)
                .hasMessageContaining("but " + restocked.id() + " is not");
        assertThat(ports.eventLog().version(PRODUCT)).isEqualTo(1);
        assertThat(publisher.publish(PRODUCT, ExpectedVersion.exactly(1), List.of(restocked)).events())
                .extracting(Event::sequence).containsExactly(2L);
    }

    @Test
    void aPayloadOverTheRuntimesLimitIsRefusedBeforeAnythingIsAppended() {
        Publisher publisher = producer(EventsourceOptions.defaults()).publisher();
        NewEvent tenMegabytes = new NewEvent(EventId.random(), EventName.of("Imported"),
                new Payload(new byte[10_000_000], "application/pdf"), Map.of(), clock.instant());

        assertThatThrownBy(() -> publisher.publish(PRODUCT, tenMegabytes))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, refused -> {
                    assertThat(refused.size()).isEqualTo(10_000_000);
                    assertThat(refused.limit()).isEqualTo(1_048_576);
                })
                .hasMessage("Event payload of Imported " + tenMegabytes.id() + " for Product-42 is 10000000 bytes, over"
                        + " the limit of 1048576 bytes (EventsourceOptions.payloadLimit, EVENTSOURCE_MAX_PAYLOAD_BYTES);"
                        + " nothing was written: keep large bodies elsewhere and put a reference in the event");
        assertThatThrownBy(() -> publisher.publishAsync(PRODUCT, ExpectedVersion.ANY, List.of(event("Renamed"),
                tenMegabytes))).isInstanceOf(PayloadTooLargeException.class);
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(appendAlls).as("the log was not asked").hasValue(0);
        assertThat(ports.eventLog().version(PRODUCT)).isZero();
    }

    @Test
    void theRuntimesLimitIsConfigurableAndTheLogKeepsItsOwn() {
        Publisher publisher = producer(EventsourceOptions.defaults().withPayloadLimit(PayloadLimit.ofBytes(2 << 20)))
                .publisher();
        NewEvent oneAndAHalfMebibytes = new NewEvent(EventId.random(), EventName.of("Imported"),
                new Payload(new byte[3 << 19], "application/pdf"), Map.of(), clock.instant());
        NewEvent oneMebibyte = new NewEvent(EventId.random(), EventName.of("Imported"),
                new Payload(new byte[1 << 20], "application/pdf"), Map.of(), clock.instant());

        assertThatThrownBy(() -> publisher.publish(PRODUCT, oneAndAHalfMebibytes))
                .as("the in-memory log's own 1 MiB").isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining("(the in-memory event log's PayloadLimit");
        assertThat(publisher.publish(PRODUCT, oneMebibyte).events()).hasSize(1);
    }

    private Eventsource producer(EventsourceOptions options) {
        EventLog log = new ForwardingEventLog(ports.eventLog()) {
            @Override
            public List<AppendOutcome> appendAll(List<Append> appends) {
                appendAlls.incrementAndGet();
                return super.appendAll(appends);
            }
        };
        MessageBus bus = new ForwardingMessageBus(ports.broker().connect()) {
            @Override
            public Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
                events.values().forEach(list -> eventsSent.addAndGet(list.size()));
                return super.publishAll(events);
            }

            @Override
            public PublishResult publish(AggregateRef aggregate, List<Event> events) {
                eventsSent.addAndGet(events.size());
                return super.publish(aggregate, events);
            }
        };
        Eventsource runtime = new Eventsource(log, ports.ackStore(), ports.registry(), bus, clock, ports.expiry(),
                options);
        runtimes.add(runtime);
        return runtime;
    }

    private void listen() {
        Eventsource runtime = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(),
                ports.broker().connect(), clock, ports.expiry());
        runtimes.add(runtime);
        Listener listener = runtime.listener(ServiceName.of("ads"));
        listener.listen("Product", "projections").onAny(e -> handled.add(e.aggregate() + "#" + e.sequence() + " "
                + e.name()));
        listener.start();
        clock.advanceBy(Duration.ofMillis(100));
    }

    private NewEvent event(String name) {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of(name), Payload.json("{}"), Map.of(),
                clock.instant());
    }
}
