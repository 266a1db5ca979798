package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The publisher's batches: calls made while one is in flight gather into the next, each paying one round trip per port. */
class PublisherBatchingTest {
    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final InMemoryBroker broker = ports.broker();
    private final CountingLog log = new CountingLog(ports.eventLog());
    private final List<Eventsource> runtimes = new ArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final AtomicInteger publishAlls = new AtomicInteger();
    private final AtomicInteger announceAlls = new AtomicInteger();
    private final AtomicInteger singlePublishes = new AtomicInteger();
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void gathersTheCallsMadeMeanwhileIntoOneAppendOnePublishOneAnnouncementAndOneMark() {
        Publisher publisher = producer(EventsourceOptions.defaults()).publisher();
        listen();
        List<CompletableFuture<Publication>> publications = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            publications.add(publisher.publishAsync(product(i % 10), event()).toCompletableFuture());
        }
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(publications).allSatisfy(p -> assertThat(p.join().isSent()).isTrue());
        assertThat(log.appendAlls).as("append transactions").hasValue(1);
        assertThat(log.marks).as("mark-published statements").hasValue(1);
        assertThat(publishAlls).as("waits for confirms of events").hasValue(1);
        assertThat(singlePublishes).as("single publishes").hasValue(0);
        assertThat(announceAlls).as("announcement rounds, one announcement per aggregate").hasValue(1);
        for (int p = 0; p < 10; p++) {
            int product = p;
            assertThat(handled).filteredOn(h -> h.startsWith("Product-" + product + "#"))
                    .containsExactly(sequences(product, 10));
        }
    }

    @Test
    void aConflictInABatchFailsOnlyItsOwnCall() {
        Publisher publisher = producer(EventsourceOptions.defaults()).publisher();
        listen();
        CompletableFuture<Publication> first = publisher.publishAsync(product(1), ExpectedVersion.NONE, List.of(event()))
                .toCompletableFuture();
        CompletableFuture<Publication> conflicting = publisher.publishAsync(product(1), ExpectedVersion.NONE,
                List.of(event())).toCompletableFuture();
        CompletableFuture<Publication> neighbour = publisher.publishAsync(product(2), ExpectedVersion.NONE,
                List.of(event())).toCompletableFuture();
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(log.appendAlls).hasValue(1);
        assertThat(first.join().isSent()).isTrue();
        assertThat(neighbour.join().isSent()).isTrue();
        assertThat(conflicting).isCompletedExceptionally();
        assertThat(conflicting.handle((done, error) -> error).join()).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(handled).containsExactlyInAnyOrder("Product-1#1", "Product-2#1");
    }

    @Test
    void keepsTheOrderOfTheCallsOfOneAggregateAcrossBatches() {
        Publisher publisher = producer(EventsourceOptions.defaults().withPublishBatching(3, Duration.ZERO)).publisher();
        listen();
        List<CompletableFuture<Publication>> publications = new ArrayList<>();
        List<EventId> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            NewEvent event = event();
            ids.add(event.id());
            publications.add(publisher.publishAsync(product(1), event).toCompletableFuture());
        }
        clock.advanceBy(Duration.ofMillis(500));

        assertThat(log.appendAlls).as("batches of three calls").hasValue(7);
        List<EventId> logged = new ArrayList<>();
        for (Event event : ports.eventLog().read(product(1), 1, 20)) {
            logged.add(event.id());
        }
        assertThat(logged).as("appended in the order of the calls").isEqualTo(ids);
        assertThat(handled).containsExactly(sequences(1, 20));
        assertThat(publications).allSatisfy(p -> assertThat(p.join().isSent()).isTrue());
    }

    @Test
    void aLingerGathersCallsBeforeTheFirstBatchStarts() {
        Publisher publisher = producer(EventsourceOptions.defaults().withPublishBatching(500, Duration.ofMillis(5)))
                .publisher();
        for (int i = 0; i < 10; i++) {
            publisher.publishAsync(product(i), event());
            clock.advanceBy(Duration.ofMillis(1));
        }
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(log.appendAlls).as("the calls of the first 5 ms, then those of the next").hasValue(2);
    }

    private static String[] sequences(int product, int count) {
        String[] expected = new String[count];
        for (int i = 0; i < count; i++) {
            expected[i] = "Product-" + product + "#" + (i + 1);
        }
        return expected;
    }

    private static AggregateRef product(int i) {
        return AggregateRef.of("Product", String.valueOf(i));
    }

    private void listen() {
        Eventsource runtime = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), broker.connect(),
                clock, ports.expiry());
        runtimes.add(runtime);
        Listener listener = runtime.listener(io.eventsource.domain.ServiceName.of("ads"));
        listener.listen("Product", "projections").onAny(e -> handled.add(e.aggregate() + "#" + e.sequence()));
        listener.start();
        clock.advanceBy(Duration.ofMillis(100));
    }

    private Eventsource producer(EventsourceOptions options) {
        MessageBus bus = new ForwardingMessageBus(broker.connect()) {
            @Override
            public PublishResult publish(AggregateRef aggregate, List<Event> events) {
                singlePublishes.incrementAndGet();
                return super.publish(aggregate, events);
            }

            @Override
            public Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
                publishAlls.incrementAndGet();
                return super.publishAll(events);
            }

            @Override
            public Map<AggregateRef, PublishResult> announceAll(Collection<AggregateRef> aggregates) {
                announceAlls.incrementAndGet();
                return super.announceAll(aggregates);
            }
        };
        Eventsource runtime = new Eventsource(log, ports.ackStore(), ports.registry(), bus, clock, ports.expiry(),
                options);
        runtimes.add(runtime);
        return runtime;
    }

    private NewEvent event() {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of("Created"), Payload.text("x"), Map.of(),
                clock.instant());
    }

    /** The in-memory log, counting batch appends and marks. */
    private static final class CountingLog extends ForwardingEventLog {
        final AtomicInteger appendAlls = new AtomicInteger();
        final AtomicInteger marks = new AtomicInteger();

        CountingLog(EventLog log) {
            super(log);
        }

        @Override
        public List<AppendOutcome> appendAll(List<Append> appends) {
            appendAlls.incrementAndGet();
            return super.appendAll(appends);
        }

        @Override
        public void markPublished(Collection<EventId> events, Instant at) {
            marks.incrementAndGet();
            super.markPublished(events, at);
        }
    }
}
