package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ReplayRequest;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.PermanentPortException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replay by range and reset on the in-memory adapter and the virtual clock: what each request selects is handed to its
 * binding exactly once more, per aggregate in sequence order, at the throttle; the service's other binding and another
 * service are untouched; a replay whose driver dies goes on from its stored progress.
 */
class ReplayTest {
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Binding PROJECTIONS = Binding.of("ads", "Product", "projections");
    private static final Binding SEARCH = Binding.of("ads", "Product", "search");
    private static final Binding MAIL = Binding.of("mail", "Product", "inbox");
    private static final List<AggregateRef> AGGREGATES = List.of(AggregateRef.of("Product", "1"),
            AggregateRef.of("Product", "2"), AggregateRef.of("Product", "3"));

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final List<Eventsource> runtimes = new ArrayList<>();
    /** Per binding, what its handler saw, as "Product-1#3". */
    private final Map<Binding, List<String>> handled = new LinkedHashMap<>();
    private final AtomicBoolean broken = new AtomicBoolean();
    private ProjectionBinding projections;
    private ProjectionBinding projectionsSecondInstance;
    private List<LoggedEvent> log;
    private int nextId;

    @BeforeEach
    void listenAndPublish() {
        for (Binding binding : List.of(PROJECTIONS, SEARCH, MAIL)) {
            handled.put(binding, new CopyOnWriteArrayList<>());
        }
        projections = listen(ADS);
        projectionsSecondInstance = listen(ADS);
        listen(ServiceName.of("mail"));
        clock.advanceBy(Duration.ofMillis(100));
        Eventsource producer = runtime();
        // 3 aggregates, 10 events each, interleaved, one second apart; every 7th is a Poison
        for (int round = 0; round < 10; round++) {
            for (AggregateRef aggregate : AGGREGATES) {
                producer.publisher().publish(aggregate, event(nextId % 7 == 6 ? "Poison" : "Changed"));
            }
            clock.advanceBy(Duration.ofSeconds(1));
        }
        clock.advanceBy(Duration.ofSeconds(1));
        log = ports.eventLog().read(LogQuery.all()).events();
        assertThat(log).hasSize(30);
        assertThat(handled.get(PROJECTIONS)).as("handled once before any replay").hasSize(30);
        handled.values().forEach(List::clear);
    }

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void replaysAPositionRangeOnceMoreToItsBindingOnlyInOrderPerAggregate() {
        long from = log.get(4).position();
        long to = log.get(21).position();

        ReplayRun run = projections.replay(ReplayRequest.all().positions(from, to).throttle(30));
        assertThat(run.progress().selected()).isEqualTo(18);
        assertThat(run.progress().remaining()).isEqualTo(18);
        clock.advanceBy(Duration.ofSeconds(2));

        assertThat(run.done()).isCompleted();
        assertThat(run.progress().finished()).isTrue();
        assertThat(run.progress().sent()).isEqualTo(18);
        assertThat(run.progress().remaining()).isZero();
        assertThat(handled.get(PROJECTIONS)).as("each selected event once, per aggregate in order")
                .containsExactlyInAnyOrderElementsOf(names(log.subList(4, 22)));
        assertInOrderPerAggregate(handled.get(PROJECTIONS));
        assertThat(handled.get(SEARCH)).as("the service's other binding").isEmpty();
        assertThat(handled.get(MAIL)).as("another service").isEmpty();
        assertThat(ack(log.get(4), PROJECTIONS).status()).isEqualTo(AckStatus.OK);
        assertThat(ack(log.get(4), SEARCH).at()).as("the other binding's ack untouched")
                .isBefore(run.progress().startedAt());

        clock.advanceBy(Duration.ofSeconds(30));
        assertThat(handled.get(PROJECTIONS)).as("no copy is handled twice, whatever comes later").hasSize(18);
    }

    @Test
    void replaysWhatOccurredInATimeRange() {
        Instant from = log.get(6).event().occurredAt();
        Instant before = log.get(15).event().occurredAt();

        ReplayRun run = projections.replay(ReplayRequest.all().occurredBetween(from, before));
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(run.progress().selected()).isEqualTo(9);
        assertThat(handled.get(PROJECTIONS)).containsExactlyInAnyOrderElementsOf(names(log.subList(6, 15)));
        assertInOrderPerAggregate(handled.get(PROJECTIONS));
    }

    @Test
    void replaysOneAggregate() {
        AggregateRef second = AGGREGATES.get(1);

        ReplayRun run = projections.replay(ReplayRequest.all().ofAggregate(second.id()));
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(run.progress().selected()).isEqualTo(10);
        assertThat(handled.get(PROJECTIONS)).containsExactlyElementsOf(
                log.stream().filter(e -> e.event().aggregate().equals(second)).map(ReplayTest::name).toList());
    }

    @Test
    void replaysOnlyTheFailuresWhenAskedAndTheyBecomeOk() {
        broken.set(true);
        ReplayRun rebuilt = projections.reset(0);
        clock.advanceBy(Duration.ofSeconds(2));
        assertThat(rebuilt.progress().finished()).isTrue();
        List<LoggedEvent> poisons = log.stream().filter(e -> e.event().name().equals(EventName.of("Poison"))).toList();
        assertThat(poisons).hasSize(4);
        poisons.forEach(poison -> assertThat(ack(poison, PROJECTIONS).status()).isEqualTo(AckStatus.FAIL));
        handled.values().forEach(List::clear);

        broken.set(false);
        ReplayRun run = projections.replay(ReplayRequest.all().failedOnly());
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(run.progress().selected()).isEqualTo(4);
        assertThat(handled.get(PROJECTIONS)).containsExactlyInAnyOrderElementsOf(names(poisons));
        assertInOrderPerAggregate(handled.get(PROJECTIONS));
        poisons.forEach(poison -> {
            assertThat(ack(poison, PROJECTIONS).status()).isEqualTo(AckStatus.OK);
            assertThat(ack(poison, PROJECTIONS).attempts()).as("the failure's attempts add up").isEqualTo(2);
        });
        assertThat(handled.get(SEARCH)).isEmpty();
        assertThat(projections.replay(ReplayRequest.all().failedOnly()).progress().selected()).isZero();
    }

    @Test
    void sendsAtTheThrottleInVirtualTime() {
        Instant start = clock.instant();
        ReplayRun run = projections.replay(ReplayRequest.all().throttle(10));
        assertThat(run.progress().eta()).isEqualTo(Duration.ofSeconds(3));

        clock.advanceBy(Duration.ofMillis(1500));
        assertThat(run.progress().sent()).as("10 events/s for 1.5 s").isBetween(14L, 16L);
        assertThat(run.done()).isNotCompleted();
        assertThat(run.progress().eta()).isBetween(Duration.ofMillis(1400), Duration.ofMillis(1600));

        Instant[] doneAt = new Instant[1];
        run.done().thenRun(() -> doneAt[0] = clock.instant());
        clock.advanceBy(Duration.ofSeconds(3));
        assertThat(Duration.between(start, doneAt[0])).isBetween(Duration.ofMillis(2800), Duration.ofMillis(3100));
        assertThat(handled.get(PROJECTIONS)).hasSize(30);
    }

    @Test
    void resetForgetsTheBindingsAcksAndCheckpointAboveThePositionAndHandlesEverythingAboveAgain() {
        ports.checkpoints().save(PROJECTIONS, 30);
        ports.checkpoints().save(SEARCH, 30);
        long toPosition = log.get(19).position();

        ReplayRun run = projections.reset(toPosition);

        assertThat(ports.checkpoints().load(PROJECTIONS)).isEqualTo(toPosition);
        assertThat(ports.checkpoints().load(SEARCH)).isEqualTo(30);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(run.progress().finished()).isTrue();
        assertThat(handled.get(PROJECTIONS)).containsExactlyInAnyOrderElementsOf(names(log.subList(20, 30)));
        assertInOrderPerAggregate(handled.get(PROJECTIONS));
        assertThat(handled.get(SEARCH)).isEmpty();
    }

    @Test
    void aReplayWhoseDriverDiesGoesOnFromItsStoredProgressWithoutLosingAnEvent() {
        // the dying driver: an admin process on its own clock, whose store fails for good after 3 steps, after the
        // 4th step's events were sent (the worst moment: sent, progress not stored)
        VirtualScheduler adminClock = new VirtualScheduler(clock.instant());
        AtomicInteger saves = new AtomicInteger();
        CheckpointStore dying = new FailingAfter(ports.checkpoints(), saves, 4);
        ReplayEngine admin = new ReplayEngine(ports.eventLog(), ports.ackStore(), ports.bus(), ports.registry(),
                dying, adminClock, Duration.ofSeconds(2));
        ReplayRequest request = ReplayRequest.all().id("rebuild-after-crash").throttle(20);
        ReplayRun first = admin.replay(PROJECTIONS, request);
        for (int i = 0; i < 10; i++) {
            adminClock.advanceBy(Duration.ofMillis(100));
            clock.advanceBy(Duration.ofMillis(100));
        }
        assertThat(first.done()).isCompletedExceptionally();
        ReplayProgress stored = ports.checkpoints().loadReplay(ReplayId.of("rebuild-after-crash")).orElseThrow();
        assertThat(stored.sent()).as("3 steps of 2 events stored").isEqualTo(6);
        int handledBeforeCrash = handled.get(PROJECTIONS).size();
        assertThat(handledBeforeCrash).as("the 4th step was sent and handled").isEqualTo(8);

        // resumed by the listener's process once the dead driver's lease lapsed
        ReplayRun resumed = projections.replay(request);
        clock.advanceBy(Duration.ofSeconds(5));

        assertThat(resumed.done()).isCompleted();
        assertThat(resumed.progress().sent()).as("from the stored progress on").isEqualTo(30);
        List<String> seen = handled.get(PROJECTIONS);
        assertThat(seen).as("no selected event lost").containsAll(names(log));
        assertThat(seen).as("at most the one step in progress at the crash twice").hasSize(32);
        assertInOrderPerAggregate(seen.subList(0, handledBeforeCrash));
        assertInOrderPerAggregate(seen.subList(handledBeforeCrash, seen.size()));
    }

    @Test
    void anAdminRuntimeWithoutListenersDrivesAReplayThatTheServicesInstancesHandle() {
        ReplayEngine admin = runtime().replays();
        ReplayRun run = admin.replay(PROJECTIONS, ReplayRequest.all().id("from-admin").ofAggregate(
                AGGREGATES.get(2).id()).positions(log.get(9).position(), log.get(29).position()));
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(run.progress().finished()).isTrue();
        assertThat(admin.progress(ReplayId.of("from-admin"))).contains(run.progress());
        assertThat(admin.replays(ADS)).contains(run.progress());
        List<LoggedEvent> selected = log.subList(9, 30).stream()
                .filter(e -> e.event().aggregate().equals(AGGREGATES.get(2))).toList();
        assertThat(selected).hasSize(7);
        assertThat(handled.get(PROJECTIONS)).containsExactlyElementsOf(names(selected));
        assertThat(handled.get(SEARCH)).isEmpty();
        assertThat(handled.get(MAIL)).isEmpty();
    }

    @Test
    void refusesAnIdOfAnotherReplayAndAListenerThatDoesNotRun() {
        projections.replay(ReplayRequest.all().id("prices").positions(1, 3));
        assertThatThrownBy(() -> projections.replay(ReplayRequest.all().id("prices").positions(1, 4)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("prices");
        assertThatThrownBy(() -> ReplayRequest.all().positions(5, 4)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> ReplayRequest.all().throttle(0)).isInstanceOf(InvalidValueException.class);

        Listener idle = runtime().listener(ServiceName.of("idle"));
        ProjectionBinding notStarted = idle.listen("Product", "projections");
        assertThatThrownBy(() -> notStarted.replay(ReplayRequest.all())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
    }

    @Test
    void waitsWhileNoInstanceOfTheServiceIsLive() {
        ReplayEngine admin = runtime().replays();
        ReplayRun run = admin.replay(Binding.of("gone", "Product", "projections"), ReplayRequest.all());
        clock.advanceBy(Duration.ofSeconds(3));

        assertThat(run.progress().sent()).isZero();
        assertThat(run.waitingFor()).hasValueSatisfying(reason -> assertThat(reason).contains("gone"));
        run.pause();
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(run.done()).isCompleted();
        assertThat(run.progress().finished()).isFalse();
    }

    /** The topology of Product in the namespace: the seed's per-aggregate queues here. */
    AggregateTopology topology() {
        return AggregateTopology.perAggregate();
    }

    private Listener listener(ServiceName service) {
        return runtime().listener(service);
    }

    private ProjectionBinding listen(ServiceName service) {
        Listener listener = listener(service);
        ProjectionBinding first = null;
        for (Binding binding : List.of(PROJECTIONS, SEARCH, MAIL)) {
            if (binding.service().equals(service)) {
                ProjectionBinding bound = listener.listen(binding.type(), binding.projection()).onAny(event -> {
                    assertThat(event.metadata()).as("no handler sees the replay mark")
                            .doesNotContainKey(Replay.REPLAY_FOR);
                    if (broken.get() && binding.equals(PROJECTIONS) && event.name().equals(EventName.of("Poison"))) {
                        throw new IllegalStateException("cannot project " + event);
                    }
                    handled.get(binding).add(event.aggregate() + "#" + event.sequence());
                });
                first = first == null ? bound : first;
            }
        }
        listener.start();
        return first;
    }

    private Eventsource runtime() {
        Eventsource runtime = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(),
                ports.broker().connect(), clock, ports.expiry(), EventsourceOptions.defaults()
                .withFailurePolicy(FailurePolicy.seed().withMaxAttempts(1)).withPublishDeadline(Duration.ZERO)
                .withTopology(PROJECTIONS.type(), topology()));
        runtime.checkpoints(ports.checkpoints());
        runtimes.add(runtime);
        return runtime;
    }

    private NewEvent event(String name) {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of(name), Payload.text(name), Map.of(),
                clock.instant());
    }

    private Ack ack(LoggedEvent logged, Binding binding) {
        AckKey key = AckKey.of(logged.event().id(), binding);
        return ports.ackStore().find(List.of(key)).get(key);
    }

    private static String name(LoggedEvent logged) {
        Event event = logged.event();
        return event.aggregate() + "#" + event.sequence();
    }

    private static List<String> names(List<LoggedEvent> events) {
        return events.stream().map(ReplayTest::name).toList();
    }

    /** Each aggregate's events in the list come in increasing sequence. */
    private static void assertInOrderPerAggregate(List<String> seen) {
        Map<String, Long> last = new LinkedHashMap<>();
        for (String one : seen) {
            String aggregate = one.substring(0, one.indexOf('#'));
            long sequence = Long.parseLong(one.substring(one.indexOf('#') + 1));
            Long before = last.put(aggregate, sequence);
            assertThat(before == null || before < sequence).as("%s after #%s in %s", one, before, seen).isTrue();
        }
    }

    /** A checkpoint store whose replay saves fail for good from the {@code failAt}-th on: the driver dies there. */
    private static final class FailingAfter implements CheckpointStore {
        private final CheckpointStore store;
        private final AtomicInteger saves;
        private final int failAt;

        FailingAfter(CheckpointStore store, AtomicInteger saves, int failAt) {
            this.store = store;
            this.saves = saves;
            this.failAt = failAt;
        }

        @Override
        public long load(Binding binding) {
            return store.load(binding);
        }

        @Override
        public void save(Binding binding, long position) {
            store.save(binding, position);
        }

        @Override
        public Map<Binding, Long> loadAll(ServiceName service) {
            return store.loadAll(service);
        }

        @Override
        public void rewind(Binding binding, long position) {
            store.rewind(binding, position);
        }

        @Override
        public void saveReplay(ReplayProgress progress) {
            // the first save is the start's; then one per step
            if (saves.incrementAndGet() > failAt) {
                throw new PermanentPortException("the replaying process died");
            }
            store.saveReplay(progress);
        }

        @Override
        public Optional<ReplayProgress> loadReplay(ReplayId id) {
            return store.loadReplay(id);
        }

        @Override
        public List<ReplayProgress> replays(ServiceName service) {
            return store.replays(service);
        }
    }
}
