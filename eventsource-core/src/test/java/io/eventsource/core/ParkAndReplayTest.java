package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.tck.ForwardingMessageBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** G5 on the in-memory adapter: parking an aggregate for a failing binding, and replaying failures. */
class ParkAndReplayTest {
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final AggregateRef P2 = AggregateRef.of("Product", "2");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Binding PROJECTIONS = Binding.of("ads", "Product", "projections");
    private static final Binding SEARCH = Binding.of("ads", "Product", "search");
    /** One attempt, so that a failure is final at once. */
    private static final FailurePolicy PARK = FailurePolicy.park().withMaxAttempts(1);
    private static final FailurePolicy SEED = FailurePolicy.seed().withMaxAttempts(1);
    /** Long enough for the sweeper to find what a binding has no ack for. */
    private static final Duration SWEEP = SweepPolicy.defaults().gracePeriod().plus(SweepPolicy.defaults().interval());

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final InMemoryBroker broker = ports.broker();
    private final List<Eventsource> runtimes = new ArrayList<>();
    private final List<MessageBus> buses = new ArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final AtomicBoolean broken = new AtomicBoolean(true);
    private final AtomicInteger publishes = new AtomicInteger();
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
        assertThat(handled).as("no handler sees the replay mark").noneMatch(h -> h.startsWith("marked"));
    }

    @Test
    void parksTheAggregateForTheFailingBindingOnlyUntilItsReplaySucceeds() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        ProjectionBinding projections = listen(PARK);
        settle();

        List<Event> events = producer.publisher().publish(P1, ExpectedVersion.ANY,
                List.of(event("Created"), event("Poison"), event("Renamed"))).events();
        producer.publisher().publish(P2, event("Created"));
        settle();

        assertThat(handled).filteredOn(h -> h.startsWith("projections")).as("parked after #2; P2 goes on")
                .containsExactly("projections:Product-1#1", "projections:Product-2#1");
        assertThat(handled).filteredOn(h -> h.startsWith("search:Product-1")).as("the other binding goes on")
                .containsExactly("search:Product-1#1", "search:Product-1#2", "search:Product-1#3");
        assertThat(ack(events.get(1), PROJECTIONS).status()).isEqualTo(AckStatus.FAIL);
        assertThat(ack(events.get(2), PROJECTIONS)).as("#3 waits, with no ack").isNull();
        assertThat(broker.queueDepth(queue(P1))).as("the log keeps what waits, not the queue").isZero();

        producer.publisher().publish(P1, event("Renamed"));
        int published = publishes.get();
        clock.advanceBy(SWEEP.multipliedBy(2));
        assertThat(handled).filteredOn(h -> h.startsWith("projections:Product-1")).as("still parked")
                .containsExactly("projections:Product-1#1");
        assertThat(publishes).as("the sweeper leaves a parked aggregate to the replay").hasValue(published);

        broken.set(false);
        List<Event> replayed = projections.replayFailures(10);
        settle();

        assertThat(replayed).extracting(Event::id).containsExactly(events.get(1).id());
        assertThat(handled).filteredOn(h -> h.startsWith("projections:Product-1")).containsExactly(
                "projections:Product-1#1", "projections:Product-1#2", "projections:Product-1#3", "projections:Product-1#4");
        assertThat(ack(events.get(1), PROJECTIONS).status()).isEqualTo(AckStatus.OK);
        assertThat(ack(events.get(1), PROJECTIONS).attempts()).isEqualTo(2);
        assertThat(handled).filteredOn(h -> h.startsWith("search:Product-1")).as("not handed to search again")
                .containsExactly("search:Product-1#1", "search:Product-1#2", "search:Product-1#3", "search:Product-1#4");
    }

    @Test
    void aReplayThatFailsAgainKeepsTheAggregateParkedAndAddsUpTheAttempts() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        ProjectionBinding projections = listen(PARK);
        settle();
        List<Event> events = producer.publisher().publish(P1, ExpectedVersion.ANY,
                List.of(event("Poison"), event("Renamed"))).events();
        settle();

        projections.replayFailures(10);
        settle();
        assertThat(ack(events.get(0), PROJECTIONS).status()).isEqualTo(AckStatus.FAIL);
        assertThat(ack(events.get(0), PROJECTIONS).attempts()).isEqualTo(2);
        assertThat(handled).filteredOn(h -> h.startsWith("projections")).isEmpty();

        broken.set(false);
        projections.replayFailures(10);
        settle();
        assertThat(ack(events.get(0), PROJECTIONS).attempts()).isEqualTo(3);
        assertThat(handled).filteredOn(h -> h.startsWith("projections"))
                .containsExactly("projections:Product-1#1", "projections:Product-1#2");
        assertThat(projections.replayFailures(10)).as("nothing left to replay").isEmpty();
    }

    @Test
    void parkingHoldsForEveryInstanceOfTheService() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listen(PARK);
        settle();
        producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event("Created"), event("Poison")));
        settle();
        Eventsource first = runtimes.get(1);
        broker.crash(buses.get(1));
        first.stop();

        ProjectionBinding projections = listen(PARK);
        producer.publisher().publish(P1, event("Renamed"));
        settle();
        assertThat(handled).filteredOn(h -> h.startsWith("projections")).as("the new instance sees the parking")
                .containsExactly("projections:Product-1#1");

        broken.set(false);
        projections.replayFailures(10);
        settle();
        assertThat(handled).filteredOn(h -> h.startsWith("projections")).containsExactly(
                "projections:Product-1#1", "projections:Product-1#2", "projections:Product-1#3");
    }

    @Test
    void theSweeperGoesOnWithAnAggregateNoLongerParkedIfNothingElseDoes() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listen(PARK);
        settle();
        List<Event> events = producer.publisher().publish(P1, ExpectedVersion.ANY,
                List.of(event("Poison"), event("Renamed"), event("Renamed"))).events();
        clock.advanceBy(SWEEP.multipliedBy(2));
        assertThat(handled).filteredOn(h -> h.startsWith("projections")).isEmpty();

        // the failure is made good elsewhere (a replay whose follow-up message was lost)
        ports.ackStore().record(List.of(Ack.ok(events.get(0), PROJECTIONS, 1, clock.instant())));
        clock.advanceBy(SweepPolicy.defaults().interval());

        assertThat(handled).filteredOn(h -> h.startsWith("projections"))
                .containsExactly("projections:Product-1#2", "projections:Product-1#3");
    }

    @Test
    void replaysAFailureUnderTheSeedPolicyForThatBindingOnly() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        ProjectionBinding projections = listen(SEED);
        Listener products = runtime(EventsourceOptions.defaults().withFailurePolicy(SEED))
                .listener(ServiceName.of("products"));
        products.listen("Product", "projections").onAny(e -> {
            if (e.name().equals(EventName.of("Poison"))) {
                throw new IllegalStateException("products cannot project " + e);
            }
        });
        products.start();
        settle();
        List<Event> events = producer.publisher().publish(P1, ExpectedVersion.ANY,
                List.of(event("Created"), event("Poison"), event("Renamed"))).events();
        settle();
        assertThat(handled).filteredOn(h -> h.startsWith("projections")).as("the seed's policy goes on")
                .containsExactly("projections:Product-1#1", "projections:Product-1#3");

        broken.set(false);
        assertThat(projections.replayFailures(10)).extracting(Event::id).containsExactly(events.get(1).id());
        settle();

        assertThat(handled).filteredOn(h -> h.startsWith("projections")).as("replayed late, once")
                .containsExactly("projections:Product-1#1", "projections:Product-1#3", "projections:Product-1#2");
        assertThat(handled).filteredOn(h -> h.startsWith("search")).hasSize(3);
        Ack other = ack(events.get(1), Binding.of("products", "Product", "projections"));
        assertThat(other.status()).as("another service's failure is not replayed").isEqualTo(AckStatus.FAIL);
        assertThat(other.attempts()).isEqualTo(1);
    }

    @Test
    void refusesToReplayThroughAListenerThatIsNotRunningOrBeyondItsLimit() {
        Listener ads = runtime(EventsourceOptions.defaults()).listener(ADS);
        ProjectionBinding projections = ads.listen("Product", "projections");

        assertThatThrownBy(() -> projections.replayFailures(10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
        ads.start();
        assertThatThrownBy(() -> projections.replayFailures(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1-10000");
        assertThat(projections.replayFailures(10)).isEmpty();
        ads.stop();
        assertThatThrownBy(() -> projections.replayFailures(10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopped");
    }

    /** An instance of ads: projections fails Poison events while broken, search handles everything. */
    private ProjectionBinding listen(FailurePolicy policy) {
        Listener ads = runtime(EventsourceOptions.defaults().withFailurePolicy(policy)).listener(ADS);
        ProjectionBinding projections = ads.listen("Product", "projections").onAny(e -> {
            if (broken.get() && e.name().equals(EventName.of("Poison"))) {
                throw new IllegalStateException("cannot project " + e);
            }
            record("projections", e);
        });
        ads.listen("Product", "search").onAny(e -> record("search", e));
        ads.start();
        return projections;
    }

    private void record(String projection, Event event) {
        if (event.metadata().containsKey(Replay.REPLAY_FOR)) {
            handled.add("marked " + projection + ":" + event);
        }
        handled.add(projection + ":" + event.aggregate() + "#" + event.sequence());
    }

    private Eventsource runtime(EventsourceOptions options) {
        MessageBus bus = broker.connect();
        buses.add(bus);
        bus = new CountingBus(bus, publishes);
        // publish runs on the virtual clock's own thread here: no retry, which would wait for the clock that this
        // thread advances (PublishRecoveryTest drives retries through publishAsync)
        Eventsource runtime = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), bus, clock,
                ports.expiry(), options.withPublishDeadline(Duration.ZERO));
        runtimes.add(runtime);
        return runtime;
    }

    private Ack ack(Event event, Binding binding) {
        AckKey key = AckKey.of(event.id(), binding);
        return ports.ackStore().find(List.of(key)).get(key);
    }

    private NewEvent event(String name) {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of(name), Payload.text(name), Map.of(), clock.instant());
    }

    private void settle() {
        clock.advanceBy(Duration.ofMillis(100));
    }

    private static io.eventsource.domain.QueueName queue(AggregateRef aggregate) {
        return Topology.of(Namespace.NONE).aggregateQueue(aggregate, ADS);
    }

    /** A connection that counts publishes to aggregate exchanges. */
    private static final class CountingBus extends ForwardingMessageBus {
        private final AtomicInteger publishes;

        CountingBus(MessageBus bus, AtomicInteger publishes) {
            super(bus);
            this.publishes = publishes;
        }

        @Override
        public PublishResult publish(AggregateRef aggregate, List<Event> events) {
            publishes.incrementAndGet();
            return super.publish(aggregate, events);
        }

        @Override
        public Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
            publishes.addAndGet(events.size());
            return super.publishAll(events);
        }
    }
}
