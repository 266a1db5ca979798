package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.DuplicateBindingException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.domain.Namespace;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.TransientPortException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime end to end on the in-memory adapter and the virtual clock. */
class EventsourceTest {
    private static final AggregateType PRODUCT = AggregateType.of("Product");
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final AggregateRef P2 = AggregateRef.of("Product", "2");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Binding ADS_PROJECTIONS = Binding.of("ads", "Product", "projections");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final InMemoryBroker broker = ports.broker();
    private final EventLog log = ports.eventLog();
    private final List<Eventsource> runtimes = new ArrayList<>();
    private final Map<Eventsource, MessageBus> buses = new HashMap<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void everyBindingHandlesEveryEventOfEachAggregateInSequenceOrder() {
        Eventsource producer = runtime();
        listen("ads", "projections", Map.of());
        listen("products", "projections", Map.of());
        settle();

        Publication first = producer.publisher().publish(P1, ExpectedVersion.NONE, List.of(event("Created"), event("Renamed")));
        producer.publisher().publish(P2, event("Created"));
        producer.publisher().publish(P1, event("PriceChanged"));
        settle();

        assertThat(first.isSent()).isTrue();
        assertThat(first.events()).extracting(Event::sequence).containsExactly(1L, 2L);
        assertThat(handled).filteredOn(h -> h.startsWith("ads:Product-1")).containsExactly(
                "ads:Product-1#1", "ads:Product-1#2", "ads:Product-1#3");
        assertThat(handled).filteredOn(h -> h.startsWith("products:Product-1")).containsExactly(
                "products:Product-1#1", "products:Product-1#2", "products:Product-1#3");
        assertThat(handled).filteredOn(h -> h.contains("Product-2")).containsExactlyInAnyOrder(
                "ads:Product-2#1", "products:Product-2#1");
        assertThat(ports.ackStore().lastSequence(ADS, ADS_PROJECTIONS.projection(), P1)).isEqualTo(3);
        assertThat(log.unpublished(clock.instant().plusSeconds(1), 10)).isEmpty();
    }

    @Test
    void dispatchesByEventNameThenCatchAllAndAcksEventsNoHandlerWants() {
        Eventsource producer = runtime();
        List<String> calls = new CopyOnWriteArrayList<>();
        Listener products = runtime().listener(ServiceName.of("products"));
        products.listen("Product", "projections").on("Created", e -> calls.add("created " + e.sequence()));
        products.listen("Product", "audit").onAny(e -> calls.add("audit " + e.sequence()));
        products.listen("Order", "projections").on("Placed", e -> calls.add("order " + e.sequence()))
                .onAny(e -> calls.add("order other " + e.sequence()));
        products.start();
        settle();

        List<Event> events = producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event("Created"), event("Renamed"))).events();
        producer.publisher().publish(AggregateRef.of("Order", "7"), event("Placed"));
        producer.publisher().publish(AggregateRef.of("Order", "7"), event("Shipped"));
        settle();

        assertThat(calls).containsExactlyInAnyOrder("created 1", "audit 1", "audit 2", "order 1", "order other 2");
        Binding projections = Binding.of("products", "Product", "projections");
        assertThat(ports.ackStore().find(List.of(AckKey.of(events.get(1).id(), projections))))
                .as("an event the projection has no handler for is acked ok")
                .hasValueSatisfying(new org.assertj.core.api.Condition<>(Ack::isOk, "ok"));
    }

    @Test
    void aBatchAtTheWrongVersionWritesNothingAndSaysWhy() {
        Eventsource producer = runtime();
        producer.publisher().publish(P1, ExpectedVersion.NONE, List.of(event("Created")));

        assertThatThrownBy(() -> producer.publisher().publish(P1, ExpectedVersion.NONE, List.of(event("Created"), event("Renamed"))))
                .isInstanceOf(ConcurrencyConflictException.class)
                .hasMessageContaining("nothing was written");
        assertThat(log.version(P1)).isEqualTo(1);
        assertThatThrownBy(() -> producer.publisher().publish(P1, ExpectedVersion.ANY, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesToPublishOnceStoppedAndAppendsNothing() {
        Eventsource producer = runtime();
        Publisher publisher = producer.publisher();
        producer.stop();

        assertThatThrownBy(() -> publisher.publish(P1, event("Created")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(log.version(P1)).isZero();
    }

    @Test
    void refusesASecondListenOfTheSamePairInOneService() {
        Eventsource runtime = runtime();
        Listener ads = runtime.listener(ADS);
        ads.listen("Product", "projections");

        assertThatThrownBy(() -> runtime.listener(ADS).listen("Product", "projections"))
                .isInstanceOf(DuplicateBindingException.class)
                .hasMessageContaining("already binds projection \"projections\"");
        ads.listen("Product", "search");
        runtime.listener(ServiceName.of("products")).listen("Product", "projections");
    }

    @Test
    void refusesHandlersAndBindingsOnceStarted() {
        Listener ads = runtime().listener(ADS);
        ProjectionBinding binding = ads.listen("Product", "projections").on("Created", e -> { });
        assertThatThrownBy(() -> binding.on("Created", e -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has a handler");
        ads.start();

        assertThatThrownBy(() -> binding.onAny(e -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before Listener.start()");
        assertThatThrownBy(() -> ads.listen("Order", "projections")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void skipsAnEventAlreadyAckedOkAndAcksItsMessage() {
        Eventsource producer = runtime();
        listen("ads", "projections", Map.of());
        settle();
        broker.stop();
        Publication pending = producer.publisher().publish(P1, event("Created"));
        // another instance of ads handled it already
        ports.ackStore().record(List.of(Ack.ok(pending.events().get(0), ADS_PROJECTIONS, 1, clock.instant())));
        broker.start();

        clock.advanceBy(Duration.ofSeconds(12));

        assertThat(pending.isSent()).isFalse();
        assertThat(log.unpublished(clock.instant(), 10)).as("relayed").isEmpty();
        assertThat(handled).isEmpty();
        assertThat(broker.queueDepth(queue(P1, ADS))).isZero();
    }

    @Test
    void fillsTheGapLeftByABrokerOutageFromTheLogAndSkipsTheRelayedDuplicate() {
        Eventsource producer = runtime();
        listen("ads", "projections", Map.of());
        settle();
        broker.stop();

        Publication during = producer.publisher().publish(P1, event("Created"));
        broker.start();
        Publication after = producer.publisher().publish(P1, event("Renamed"));
        settle();
        clock.advanceBy(Duration.ofSeconds(12));

        assertThat(during).isInstanceOf(Publication.Pending.class);
        assertThat(((Publication.Pending) during).reason()).contains("unreachable");
        assertThat(after.isSent()).isTrue();
        // event 2 arrived first: the gap was filled from the log; the relayed event 1 was then a duplicate
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
        assertThat(log.unpublished(clock.instant(), 10)).isEmpty();
    }

    @Test
    void relaysAnOldEventWithTheAggregatesLatestSoThatANewcomerCatchesUp() {
        Eventsource producer = runtime();
        broker.stop();
        producer.publisher().publish(P1, event("Created"));
        broker.start();
        // published while no service listened: no queue takes it
        producer.publisher().publish(P1, event("Renamed"));
        listen("ads", "projections", Map.of());

        clock.advanceBy(Duration.ofSeconds(12));

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
    }

    @Test
    void recoversEventsWhoseQueueWasDeletedBeforeTheyWereConsumed() {
        Eventsource producer = runtime();
        listen("ads", "projections", Map.of());
        settle();
        producer.publisher().publish(P1, event("Created"));
        producer.publisher().publish(P1, event("Renamed"));
        // the messages are lost before anyone consumed them (an operator deleted the queue)
        broker.deleteQueue(queue(P1, ADS));
        settle();

        // the announcement found no queue: the listener declared it, saw it was behind the log, and had the
        // last event published again; its gap was filled from the log
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
        producer.publisher().publish(P1, event("PriceChanged"));
        settle();
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2", "ads:Product-1#3");
    }

    @Test
    void catchesUpAfterBeingDownLongerThanTheQueueExpiry() {
        Eventsource producer = runtime();
        Eventsource first = runtime();
        first.listener(ADS).listen("Product", "projections").onAny(this::record);
        first.listener(ADS).start();
        settle();
        producer.publisher().publish(P1, event("Created"));
        settle();
        broker.crash(buses.get(first));
        first.stop();

        producer.publisher().publish(P1, event("Renamed"));
        producer.publisher().publish(P2, event("Created"));
        clock.advanceBy(Duration.ofSeconds(90));
        assertThat(broker.queueExists(queue(P1, ADS))).as("expired with its messages").isFalse();
        Eventsource second = runtime();
        second.listener(ADS).listen("Product", "projections").onAny(this::record);
        second.listener(ADS).start();
        settle();

        // the durable announcement queue kept the news; the expired queues are redeclared and caught up
        assertThat(handled).containsExactlyInAnyOrder("ads:Product-1#1", "ads:Product-1#2", "ads:Product-2#1");
        assertThat(handled).containsSubsequence("ads:Product-1#1", "ads:Product-1#2");
    }

    @Test
    void fillsALongHistoryInBoundedPassesInOrder() {
        Eventsource producer = runtime();
        for (int i = 0; i < 7; i++) {
            producer.publisher().publish(P1, event("Changed"));
        }
        Eventsource listening = runtime(ports.ackStore(), EventsourceOptions.defaults().withMaxGapFill(3));
        listening.listener(ADS).listen("Product", "projections").onAny(this::record);
        listening.listener(ADS).start();
        settle();

        producer.publisher().publish(P1, event("Changed"));
        settle();

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2", "ads:Product-1#3", "ads:Product-1#4",
                "ads:Product-1#5", "ads:Product-1#6", "ads:Product-1#7", "ads:Product-1#8");
        assertThat(broker.queueDepth(queue(P1, ADS))).isZero();
    }

    @Test
    void retriesAFailingHandlerWithBackoffThenRecordsFailAndGoesOn() {
        Eventsource producer = runtime();
        AtomicInteger attempts = new AtomicInteger();
        listen("ads", "projections", Map.of("Created", e -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("projection down");
        }));
        settle();

        List<Event> events = producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event("Created"))).events();
        producer.publisher().publish(P1, event("Renamed"));
        clock.runDueTasks();
        assertThat(attempts).hasValue(1);
        clock.advanceBy(Duration.ofMillis(199));
        assertThat(attempts).as("no retry before the backoff").hasValue(1);
        clock.advanceBy(Duration.ofMillis(1));
        assertThat(attempts).hasValue(2);
        assertThat(handled).as("the aggregate's next event waits").isEmpty();
        clock.advanceBy(Duration.ofMillis(400));

        assertThat(attempts).hasValue(3);
        Ack failed = ports.ackStore().find(List.of(AckKey.of(events.get(0).id(), ADS_PROJECTIONS)))
                .get(AckKey.of(events.get(0).id(), ADS_PROJECTIONS));
        assertThat(failed.status()).isEqualTo(AckStatus.FAIL);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.lastError()).contains("projection down");
        assertThat(handled).containsExactly("ads:Product-1#2");
        assertThat(broker.queueDepth(queue(P1, ADS))).isZero();
    }

    @Test
    void acksAHandlerThatRecoversOnRetryAsOkWithItsAttempts() {
        Eventsource producer = runtime();
        AtomicInteger attempts = new AtomicInteger();
        listen("ads", "projections", Map.of("Created", e -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("flaky");
            }
        }));
        settle();

        Event created = producer.publisher().publish(P1, event("Created")).events().get(0);
        clock.advanceBy(Duration.ofSeconds(1));

        Ack ack = ports.ackStore().find(List.of(AckKey.of(created.id(), ADS_PROJECTIONS))).values().iterator().next();
        assertThat(ack.status()).isEqualTo(AckStatus.OK);
        assertThat(ack.attempts()).isEqualTo(2);
    }

    @Test
    void acksTheBrokerMessageOnlyOnceItsAckIsDurable() {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        HeldAckStore held = new HeldAckStore(ports.ackStore(), durable);
        Eventsource producer = runtime();
        Eventsource listening = runtime(held, EventsourceOptions.defaults());
        listening.listener(ADS).listen("Product", "projections").onAny(this::record);
        listening.listener(ADS).start();
        settle();

        producer.publisher().publish(P1, event("Created"));
        producer.publisher().publish(P1, event("Renamed"));
        settle();
        assertThat(handled).as("handled, ack not yet durable; the next event waits").containsExactly("ads:Product-1#1");
        assertThat(broker.queueDepth(queue(P1, ADS))).isEqualTo(2);

        held.release();
        settle();

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
        assertThat(broker.queueDepth(queue(P1, ADS))).isZero();
    }

    @Test
    void returnsTheMessageToItsQueueWhenTheAckCannotBeStoredAndRecordsTheOutcomeWithoutHandlingItAgain() {
        HeldAckStore failing = new HeldAckStore(ports.ackStore(),
                CompletableFuture.failedFuture(new TransientPortException("ack store down")));
        Eventsource producer = runtime();
        Eventsource listening = runtime(failing, EventsourceOptions.defaults());
        listening.listener(ADS).listen("Product", "projections").onAny(this::record);
        listening.listener(ADS).start();
        settle();

        producer.publisher().publish(P1, event("Created"));
        settle();
        assertThat(broker.queueDepth(queue(P1, ADS))).as("not acked to the broker").isEqualTo(1);

        failing.heal();
        clock.advanceBy(Duration.ofSeconds(2));

        assertThat(broker.queueDepth(queue(P1, ADS))).isZero();
        assertThat(ports.ackStore().lastSequence(ADS, ADS_PROJECTIONS.projection(), P1)).isEqualTo(1);
        // the consumer kept the handler's outcome and recorded it at the message's next try
        assertThat(handled).containsExactly("ads:Product-1#1");
    }

    @Test
    void stopFinishesTheEventInProgressAndLeavesQueuedOnesToTheBroker() {
        Eventsource producer = runtime();
        AtomicInteger attempts = new AtomicInteger();
        Eventsource listening = runtime();
        Listener ads = listening.listener(ADS);
        ads.listen("Product", "projections").onAny(e -> {
            if (e.sequence() == 1 && attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("flaky");
            }
            record(e);
        });
        ads.start();
        settle();
        producer.publisher().publish(P1, event("Created"));
        producer.publisher().publish(P1, event("Renamed"));
        clock.runDueTasks();

        CompletableFuture<Void> stopped = ads.stop().toCompletableFuture();
        assertThat(stopped).as("a retry is in progress").isNotDone();
        clock.advanceBy(Duration.ofMillis(200));

        assertThat(stopped).isDone();
        assertThat(handled).containsExactly("ads:Product-1#1");
        assertThat(broker.queueDepth(queue(P1, ADS))).as("event 2 is back in the queue").isEqualTo(1);
    }

    @Test
    void aNewInstanceTakesOverTheQueueOfACrashedOne() {
        Eventsource producer = runtime();
        Eventsource first = runtime();
        first.listener(ADS).listen("Product", "projections").onAny(this::record);
        first.listener(ADS).start();
        settle();
        producer.publisher().publish(P1, event("Created"));
        settle();

        broker.crash(buses.get(first));
        first.stop();
        Eventsource second = runtime();
        second.listener(ADS).listen("Product", "projections").onAny(this::record);
        second.listener(ADS).start();
        producer.publisher().publish(P1, event("Renamed"));
        settle();

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
    }

    private Listener listen(String service, String projection, Map<String, EventHandler> failing) {
        Listener listener = runtime().listener(ServiceName.of(service));
        ProjectionBinding binding = listener.listen("Product", projection);
        failing.forEach((name, handler) -> binding.on(name, e -> {
            handler.handle(e);
            record(e, service);
        }));
        binding.onAny(e -> record(e, service));
        listener.start();
        return listener;
    }

    private void record(Event event) {
        record(event, "ads");
    }

    private void record(Event event, String service) {
        handled.add(service + ":" + event.aggregate() + "#" + event.sequence());
    }

    private Eventsource runtime() {
        return runtime(ports.ackStore(), EventsourceOptions.defaults());
    }

    private Eventsource runtime(AckStore acks, EventsourceOptions options) {
        MessageBus bus = broker.connect();
        // publish runs on the virtual clock's own thread here: no retry, which would wait for the clock that this
        // thread advances (PublishRecoveryTest drives retries through publishAsync)
        Eventsource runtime = new Eventsource(log, acks, ports.registry(), bus, clock, ports.expiry(),
                options.withPublishDeadline(Duration.ZERO));
        runtimes.add(runtime);
        buses.put(runtime, bus);
        return runtime;
    }

    private NewEvent event(String name) {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of(name), Payload.text(name), Map.of(), clock.instant());
    }

    private void settle() {
        clock.advanceBy(Duration.ofMillis(100));
    }

    private static QueueName queue(AggregateRef aggregate, ServiceName service) {
        return Topology.of(Namespace.NONE).aggregateQueue(aggregate, service);
    }

    /** An ack store whose writes complete only when the test says so, or fail until healed. */
    private static final class HeldAckStore implements AckStore {
        private final AckStore store;
        private volatile CompletableFuture<Void> outcome;

        HeldAckStore(AckStore store, CompletableFuture<Void> outcome) {
            this.store = store;
            this.outcome = outcome;
        }

        void release() {
            outcome.complete(null);
        }

        void heal() {
            outcome = CompletableFuture.completedFuture(null);
        }

        @Override
        public void forget(Binding binding, Collection<EventId> events) {
            store.forget(binding, events);
        }

        @Override
        public CompletionStage<Void> record(Collection<Ack> acks) {
            return outcome.thenCompose(ignored -> store.record(acks));
        }

        @Override
        public Map<AckKey, Ack> find(Collection<AckKey> keys) {
            return store.find(keys);
        }

        @Override
        public long lastSequence(ServiceName service, io.eventsource.domain.Projection projection, AggregateRef aggregate) {
            return store.lastSequence(service, projection, aggregate);
        }

        @Override
        public Set<EventId> acknowledged(ServiceName service, io.eventsource.domain.Projection projection,
                                         Collection<EventId> events) {
            return store.acknowledged(service, projection, events);
        }

        @Override
        public List<Ack> failures(ServiceName service, io.eventsource.domain.Projection projection, int limit) {
            return store.failures(service, projection, limit);
        }
    }
}
