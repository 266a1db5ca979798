package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.MessageBus;
import io.eventsource.tck.ForwardingEventLog;
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

/** The sweeper on the in-memory adapter and the virtual clock: events with no later news still arrive. */
class SweeperTest {
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final AggregateRef P2 = AggregateRef.of("Product", "2");
    private static final AggregateRef P3 = AggregateRef.of("Product", "3");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Binding PROJECTIONS_OF_ADS = Binding.of("ads", "Product", "projections");
    private static final Duration GRACE_AND_INTERVAL = SweepPolicy.defaults().gracePeriod()
            .plus(SweepPolicy.defaults().interval());

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final InMemoryBroker broker = ports.broker();
    private final CountingLog log = new CountingLog(ports.eventLog());
    private final List<Eventsource> runtimes = new ArrayList<>();
    private final List<MessageBus> buses = new ArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void redrivesAnEventStrandedInTheQueueOfACrashedConsumerWithNoLaterNews() {
        // a grace period longer than the queue expiry, so that the sweeper finds the queue gone with the event
        SweepPolicy slow = SweepPolicy.defaults().withTiming(Duration.ofSeconds(30), Duration.ofSeconds(60));
        Eventsource producer = runtime(EventsourceOptions.defaults());
        strandOneEvent(producer);
        listenAs(ADS, EventsourceOptions.defaults().withSweep(slow), false);

        clock.advanceBy(Duration.ofSeconds(40));
        assertThat(handled).as("no announcement comes for it; its queue expired with it").isEmpty();
        assertThat(broker.queueExists(queue(P1, ADS))).isFalse();
        clock.advanceBy(slow.gracePeriod().plus(slow.interval()));

        assertThat(handled).containsExactly("ads:Product-1#1");
        assertThat(broker.queueDepth(queue(P1, ADS))).isZero();
    }

    @Test
    void leavesAStrandedEventToTheNextNewsWhenSweepingIsDisabled() {
        EventsourceOptions noSweep = EventsourceOptions.defaults().withSweep(SweepPolicy.disabled());
        Eventsource producer = runtime(noSweep);
        strandOneEvent(producer);
        listenAs(ADS, noSweep, false);

        clock.advanceBy(GRACE_AND_INTERVAL.multipliedBy(3));
        assertThat(handled).isEmpty();

        producer.publisher().publish(P1, event());
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
    }

    @Test
    void owesABindingWhatOccurredSinceItsStartLessTheLookbackOrEverythingIfItAsked() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        // appended while nobody listened: no queue takes them
        producer.publisher().publish(P1, event());
        producer.publisher().publish(P2, event());
        clock.advanceBy(SweepPolicy.defaults().lookback().plusMinutes(5));
        producer.publisher().publish(P3, event());
        clock.advanceBy(Duration.ofMinutes(1));
        listenAs(ServiceName.of("products"), EventsourceOptions.defaults(), false);
        listenAs(ServiceName.of("search"), EventsourceOptions.defaults(), true);

        clock.advanceBy(GRACE_AND_INTERVAL);

        assertThat(handled).filteredOn(h -> h.startsWith("products:")).containsExactly("products:Product-3#1");
        assertThat(handled).filteredOn(h -> h.startsWith("search:"))
                .containsExactlyInAnyOrder("search:Product-1#1", "search:Product-2#1", "search:Product-3#1");
    }

    @Test
    void readsTheLogOnlyPastItsCheckpointOnceEveryBindingHasAcked() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listenAs(ADS, EventsourceOptions.defaults(), false);
        clock.advanceBy(Duration.ofMillis(100));
        producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event(), event()));
        producer.publisher().publish(P2, event());
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(handled).hasSize(3);

        clock.advanceBy(GRACE_AND_INTERVAL.plus(SweepPolicy.defaults().interval()));

        assertThat(log.sweepReadsAfter).as("a run reads from the checkpoint, past the events every binding acked")
                .isNotEmpty().last().isEqualTo(3L);
        assertThat(handled).as("nothing re-driven").hasSize(3);
    }

    @Test
    void aRestartedListenerResumesItsSweepFromTheSavedCheckpoint() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        Eventsource first = listenWithCheckpoints(ADS);
        clock.advanceBy(Duration.ofMillis(100));
        producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event(), event()));
        producer.publisher().publish(P2, event());
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(handled).hasSize(3);
        clock.advanceBy(GRACE_AND_INTERVAL.plus(SweepPolicy.defaults().interval()));
        assertThat(ports.checkpoints().load(PROJECTIONS_OF_ADS)).as("saved once every event is acked").isEqualTo(3);
        first.stop();
        clock.advanceBy(Duration.ofSeconds(1));
        log.sweepReadsAfter.clear();

        listenWithCheckpoints(ADS);
        clock.advanceBy(SweepPolicy.defaults().interval());

        assertThat(log.sweepReadsAfter).as("the new listener's sweep reads from the checkpoint, not from the start")
                .isNotEmpty().allMatch(after -> after == 3L);
        assertThat(handled).as("nothing re-driven").hasSize(3);
    }

    @Test
    void aRestartedListenerIsOwedEverythingAfterItsCheckpointEvenPastTheLookback() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        Eventsource first = listenWithCheckpoints(ADS);
        clock.advanceBy(Duration.ofMillis(100));
        producer.publisher().publish(P1, event());
        clock.advanceBy(GRACE_AND_INTERVAL.plus(SweepPolicy.defaults().interval()));
        assertThat(ports.checkpoints().load(PROJECTIONS_OF_ADS)).isEqualTo(1);
        first.stop();
        clock.advanceBy(Duration.ofSeconds(1));
        // appended while ads is down, longer ago than the lookback when it comes back: no queue takes it
        producer.publisher().publish(P2, event());
        clock.advanceBy(SweepPolicy.defaults().lookback().plusMinutes(5));

        listenWithCheckpoints(ADS);
        clock.advanceBy(GRACE_AND_INTERVAL);

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-2#1");
    }

    @Test
    void redrivesABoundedNumberOfAggregatesPerRunAndGoesOnFromThereNextRun() {
        EventsourceOptions oneAtATime = EventsourceOptions.defaults()
                .withSweep(SweepPolicy.defaults().withBounds(500, 1));
        Eventsource producer = runtime(oneAtATime);
        producer.publisher().publish(P1, event());
        producer.publisher().publish(P2, event());
        producer.publisher().publish(P3, event());
        // nobody listened for so long that the relay gave them up as published: only the sweeper brings them now
        clock.advanceBy(ports.expiry().livenessTtl().plus(ports.expiry().heartbeatInterval()).plusSeconds(5));
        assertThat(log.unpublished(clock.instant(), 10)).isEmpty();
        clock.advanceBy(SweepPolicy.defaults().gracePeriod());
        listenAs(ADS, oneAtATime, true);

        // past their grace already: the first run, one interval after the start, takes the first aggregate
        clock.advanceBy(SweepPolicy.defaults().interval());
        assertThat(handled).containsExactly("ads:Product-1#1");
        clock.advanceBy(SweepPolicy.defaults().interval());
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-2#1");
        clock.advanceBy(SweepPolicy.defaults().interval());
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-2#1", "ads:Product-3#1");
    }

    /**
     * Leaves event 1 of P1 in the ads queue with no consumer and no announcement to come: the only instance of ads
     * crashes while its handler waits to retry it.
     */
    private void strandOneEvent(Eventsource producer) {
        AtomicInteger attempts = new AtomicInteger();
        Eventsource first = runtime(EventsourceOptions.defaults().withSweep(SweepPolicy.disabled()));
        first.listener(ADS).listen("Product", "projections").onAny(e -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("not yet");
        });
        first.listener(ADS).start();
        clock.advanceBy(Duration.ofMillis(100));
        producer.publisher().publish(P1, event());
        clock.runDueTasks();
        assertThat(attempts).hasValue(1);
        broker.crash(buses.get(buses.size() - 1));
        first.stop();
        assertThat(broker.queueDepth(queue(P1, ADS))).isEqualTo(1);
        assertThat(broker.consumerCount(queue(P1, ADS))).isZero();
    }

    @Test
    void aListenerStopsOnceTheSweepInProgressEndsWhichItDoesAfterThePageItIsAt() {
        SweepPolicy onePerPage = SweepPolicy.defaults().withBounds(1, SweepPolicy.defaults().maxRedrivesPerRun());
        Eventsource producer = runtime(EventsourceOptions.defaults());
        Eventsource listening = listenWithCheckpoints(ADS, EventsourceOptions.defaults().withSweep(onePerPage));
        clock.advanceBy(Duration.ofMillis(100));
        producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event(), event(), event()));
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(handled).hasSize(3);
        // up to the last run before the events are past the grace period: each run read one page, with none due
        clock.advanceBy(SweepPolicy.defaults().gracePeriod().minusSeconds(1));
        List<Boolean> stoppedDuringTheRun = new ArrayList<>();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        log.onSweepRead = () -> {
            log.onSweepRead = null;
            CompletableFuture<Void> stop = listening.stop();
            stops.add(stop);
            stoppedDuringTheRun.add(stop.isDone());
        };
        log.sweepReadsAfter.clear();

        clock.advanceBy(SweepPolicy.defaults().interval());

        assertThat(stoppedDuringTheRun).as("the stop waits for the run, which uses the stores").containsExactly(false);
        assertThat(log.sweepReadsAfter).as("the run reads no page after the stop, of the three it had to read")
                .hasSize(1);
        assertThat(stops).singleElement().satisfies(stop -> assertThat(stop).isDone());
    }

    private void listenAs(ServiceName service, EventsourceOptions options, boolean fromBeginning) {
        Listener listener = runtime(options).listener(service);
        ProjectionBinding binding = listener.listen("Product", "projections")
                .onAny(e -> handled.add(service + ":" + e.aggregate() + "#" + e.sequence()));
        if (fromBeginning) {
            binding.fromBeginning();
        }
        listener.start();
    }

    /** A listener of {@code Product} for {@code projections} on a runtime that keeps its checkpoints in the ports. */
    private Eventsource listenWithCheckpoints(ServiceName service) {
        return listenWithCheckpoints(service, EventsourceOptions.defaults());
    }

    private Eventsource listenWithCheckpoints(ServiceName service, EventsourceOptions options) {
        MessageBus bus = broker.connect();
        buses.add(bus);
        Eventsource runtime = Eventsource.builder().eventLog(log).ackStore(ports.ackStore())
                .serviceRegistry(ports.registry()).messageBus(bus).scheduler(clock).expiry(ports.expiry())
                .options(options.withPublishDeadline(Duration.ZERO))
                .checkpoints(ports.checkpoints()).build();
        runtimes.add(runtime);
        Listener listener = runtime.listener(service);
        listener.listen("Product", "projections")
                .onAny(e -> handled.add(service + ":" + e.aggregate() + "#" + e.sequence()));
        listener.start();
        return runtime;
    }

    private Eventsource runtime(EventsourceOptions options) {
        MessageBus bus = broker.connect();
        buses.add(bus);
        // publish runs on the virtual clock's own thread here: no retry, which would wait for the clock that this
        // thread advances (PublishRecoveryTest drives retries through publishAsync)
        Eventsource runtime = new Eventsource(log, ports.ackStore(), ports.registry(), bus, clock, ports.expiry(),
                options.withPublishDeadline(Duration.ZERO));
        runtimes.add(runtime);
        return runtime;
    }

    private NewEvent event() {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of("Changed"), Payload.text("x"), Map.of(),
                clock.instant());
    }

    private static QueueName queue(AggregateRef aggregate, ServiceName service) {
        return Topology.of(Namespace.NONE).aggregateQueue(aggregate, service);
    }

    /** The in-memory log, noting where each typed page read (the sweeper's) starts. */
    private static final class CountingLog extends ForwardingEventLog {
        private final List<Long> sweepReadsAfter = new CopyOnWriteArrayList<>();
        /** Runs at the next typed page read, before the read; null: nothing. */
        private volatile Runnable onSweepRead;

        CountingLog(EventLog log) {
            super(log);
        }

        @Override
        public LogPage read(LogQuery query) {
            if (query.type() != null) {
                sweepReadsAfter.add(query.afterPosition());
                Runnable hook = onSweepRead;
                if (hook != null) {
                    hook.run();
                }
            }
            return super.read(query);
        }
    }
}
