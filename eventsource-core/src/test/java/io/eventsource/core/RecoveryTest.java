package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventsourceException;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.Subscription;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.ForwardingAckStore;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery on the virtual clock: publish retries through outages within its deadline, the relay under a lease in
 * every runtime, no silent empty route, re-consuming after a lost connection, bounded retries of a message, and the
 * log deciding over the message (forged, far-ahead or changed messages and announcements of unknown aggregates).
 */
class RecoveryTest {
    private static final AggregateType PRODUCT = AggregateType.of("Product");
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final AggregateRef P2 = AggregateRef.of("Product", "2");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Binding ADS_PROJECTIONS = Binding.of("ads", "Product", "projections");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final InMemoryBroker broker = ports.broker();
    private final FlakyLog log = new FlakyLog(ports.eventLog());
    private final FlakyAcks acks = new FlakyAcks(ports.ackStore());
    private final WipeableRegistry registry = new WipeableRegistry(ports.registry());
    private final List<Eventsource> runtimes = new ArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void publishRetriesThroughABrokerOutageWithinItsDeadline() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listen(EventsourceOptions.defaults());
        broker.stop();

        CompletableFuture<Publication> publication = producer.publisher().publishAsync(P1, event()).toCompletableFuture();
        clock.advanceBy(Duration.ofSeconds(3));
        assertThat(publication).as("still retrying").isNotDone();
        broker.start();
        clock.advanceBy(Duration.ofSeconds(3));

        assertThat(publication.join().isSent()).isTrue();
        assertThat(handled).containsExactly("ads:Product-1#1");
        assertThat(log.unpublished(clock.instant(), 10)).isEmpty();
    }

    @Test
    void leavesTheEventsToTheRelayWhenTheBrokerStaysDownPastTheDeadline() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listen(EventsourceOptions.defaults());
        broker.stop();

        CompletableFuture<Publication> publication = producer.publisher().publishAsync(P1, event()).toCompletableFuture();
        clock.advanceBy(EventsourceOptions.defaults().publishDeadline().plusSeconds(1));
        assertThat(publication.join()).isInstanceOf(Publication.Pending.class);
        broker.start();
        clock.advanceBy(Duration.ofSeconds(10));

        assertThat(handled).containsExactly("ads:Product-1#1");
        assertThat(log.unpublished(clock.instant(), 10)).isEmpty();
    }

    @Test
    void retriesAnAppendThatFailedAndRecognisesOneThatWasWrittenAfterAll() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listen(EventsourceOptions.defaults());
        log.failAppends(2, false);
        CompletableFuture<Publication> first = producer.publisher().publishAsync(P1, event()).toCompletableFuture();
        clock.advanceBy(Duration.ofSeconds(2));
        // the connection dies after the commit: the outcome is unknown to the publisher, and it tries again
        log.failAppends(1, true);
        CompletableFuture<Publication> second = producer.publisher().publishAsync(P1, event()).toCompletableFuture();
        clock.advanceBy(Duration.ofSeconds(2));

        assertThat(first.join().isSent()).isTrue();
        assertThat(second.join().isSent()).isTrue();
        assertThat(ports.eventLog().version(P1)).as("written once each").isEqualTo(2);
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
    }

    @Test
    void saysNothingWasWrittenWhenTheLogStaysDownPastTheDeadline() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        log.failAppends(Integer.MAX_VALUE, false);

        CompletableFuture<Publication> publication = producer.publisher().publishAsync(P1, event()).toCompletableFuture();
        clock.advanceBy(EventsourceOptions.defaults().publishDeadline().plusSeconds(1));

        assertThat(publication).isCompletedExceptionally();
        assertThat(publication.handle((done, error) -> error).join())
                .isInstanceOf(EventLogUnavailableException.class)
                .hasMessageContaining("nothing was written");
        assertThat(ports.eventLog().version(P1)).isZero();
    }

    @Test
    void routesToTheServicesLastSeenLiveWhileAWipedRegistryReadsEmpty() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listen(EventsourceOptions.defaults());
        producer.publisher().publishAsync(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        registry.wipe();
        clock.advanceBy(EventsourceOptions.defaults().liveServicesCacheTtl());

        CompletableFuture<Publication> publication = producer.publisher().publishAsync(P2, event()).toCompletableFuture();
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(publication.join().isSent()).isTrue();
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-2#1");
    }

    @Test
    void keepsEventsUnpublishedWhileNoServiceIsKnownLiveAndRelaysThemOnceOneHeartBeats() {
        listen(EventsourceOptions.defaults());
        registry.wipe();
        // a producer that never saw the registry full
        Eventsource producer = runtime(EventsourceOptions.defaults());

        CompletableFuture<Publication> publication = producer.publisher().publishAsync(P1, event()).toCompletableFuture();
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(publication.join()).isInstanceOf(Publication.Pending.class);
        assertThat(publication.join().isSent()).isFalse();
        assertThat(log.unpublished(clock.instant(), 10)).as("not marked published").hasSize(1);

        // the listener's next heartbeat fills the registry again; the relay sends the event
        clock.advanceBy(Duration.ofSeconds(10));
        assertThat(handled).containsExactly("ads:Product-1#1");
        assertThat(log.unpublished(clock.instant(), 10)).isEmpty();
    }

    @Test
    void anyRuntimeDrainsTheBacklogOfAProducerThatExited() {
        Listener ads = listen(EventsourceOptions.defaults());
        Eventsource producer = runtime(EventsourceOptions.defaults().withPublishDeadline(Duration.ZERO));
        broker.stop();
        List<CompletableFuture<Publication>> publications = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            publications.add(producer.publisher().publishAsync(P1, event()).toCompletableFuture());
        }
        // the batch runs while the broker is down: appended, not published
        clock.runDueTasks();
        producer.stop();
        broker.start();
        clock.advanceBy(Duration.ofSeconds(10));

        assertThat(publications).allSatisfy(p -> assertThat(p.join().isSent()).isFalse());
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2", "ads:Product-1#3",
                "ads:Product-1#4", "ads:Product-1#5");
        assertThat(log.unpublished(clock.instant(), 10)).as("relayed by the listener's runtime").isEmpty();
        assertThat(ads.refusedDeliveries()).isZero();
    }

    @Test
    void consumesAgainWithinSecondsTheQueuesItLostWithItsConnection() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listen(EventsourceOptions.defaults());
        producer.publisher().publishAsync(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(broker.consumerCount(queue(P1))).isEqualTo(1);

        broker.stop();
        clock.advanceBy(Duration.ofSeconds(3));
        broker.start();
        // a message already in the queue, with no announcement to come for it
        List<LoggedEvent> second = ports.eventLog().append(P1, ExpectedVersion.exactly(1), List.of(event()));
        MessageBus raw = broker.connect();
        raw.publish(P1, List.of(second.get(0).event()));
        clock.advanceBy(Duration.ofSeconds(2));

        assertThat(broker.consumerCount(queue(P1))).isEqualTo(1);
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
    }

    /**
     * The broker restarts with two events in the queue that it keeps in memory only: the listener consumes the queue
     * again and catches up from the log within seconds, with no sweeper to fall back on.
     */
    @Test
    void catchesUpFromTheLogWithinSecondsWhatARestartedBrokerLostOfItsQueues() {
        EventsourceOptions noSweeper = EventsourceOptions.defaults().withSweep(SweepPolicy.disabled());
        Eventsource producer = runtime(noSweeper);
        listen(noSweeper);
        producer.publisher().publishAsync(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(handled).containsExactly("ads:Product-1#1");

        List<LoggedEvent> more = ports.eventLog().append(P1, ExpectedVersion.exactly(1), List.of(event(), event()));
        broker.connect().publish(P1, more.stream().map(LoggedEvent::event).toList());
        broker.restart();
        assertThat(broker.queueDepth(queue(P1))).as("lost in the restart").isZero();
        clock.advanceBy(Duration.ofSeconds(3));

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2", "ads:Product-1#3");
        assertThat(broker.consumerCount(queue(P1))).isEqualTo(1);
    }

    /**
     * A service is down when an event of a new aggregate comes, and the broker restarts before it is back: the
     * announcement that waited for it in its queue was as transient as the event, and went with it. The sweeper
     * brings the event to the service once it is back.
     */
    @Test
    void theSweeperBringsWhatARestartedBrokerLostOfAnAbsentServicesAnnouncements() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        Eventsource service = runtime(EventsourceOptions.defaults());
        listen(service);
        producer.publisher().publishAsync(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        service.stop();
        runtimes.remove(service);
        QueueName announcements = Topology.of(Namespace.NONE).announcementQueue(PRODUCT, ADS);

        producer.publisher().publishAsync(P2, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(broker.queueDepth(announcements)).as("waiting for the service").isEqualTo(1);
        broker.restart();
        assertThat(broker.queueDepth(announcements)).as("lost in the restart").isZero();
        assertThat(broker.queueDepth(queue(P2))).as("lost in the restart").isZero();
        listen(EventsourceOptions.defaults());
        clock.advanceBy(Duration.ofSeconds(5));
        assertThat(handled).as("nothing tells of it yet").containsExactly("ads:Product-1#1");
        clock.advanceBy(SweepPolicy.defaults().gracePeriod().plus(SweepPolicy.defaults().interval()).plusSeconds(1));

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-2#1");
    }

    /**
     * RabbitMQ's cancel of an idle consumer is not instant: a message that comes meanwhile goes back to the queue, and
     * its announcement may have found the consumer still open. The bus says so, and the listener consumes again at
     * once, rather than leave the message to the sweeper (10-15 s later).
     */
    @Test
    void consumesAgainAtOnceAQueueWhoseIdleEndReturnedMessages() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        EndingBus bus = new EndingBus(broker.connect());
        listen(runtime(EventsourceOptions.defaults(), bus));
        producer.publisher().publishAsync(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(handled).containsExactly("ads:Product-1#1");

        bus.end(P1, EndReason.IDLE_WITH_RETURNED_MESSAGES);
        // the message that came as the consumer ended, back in the queue; its announcement came and went
        List<LoggedEvent> second = ports.eventLog().append(P1, ExpectedVersion.exactly(1), List.of(event()));
        broker.connect().publish(P1, List.of(second.get(0).event()));
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
        assertThat(broker.consumerCount(queue(P1))).isEqualTo(1);
    }

    /** An idle end that returned nothing leaves the queue to the aggregate's next news, as the seed does. */
    @Test
    void anIdleEndThatReturnedNothingWaitsForTheNextNews() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        EndingBus bus = new EndingBus(broker.connect());
        listen(runtime(EventsourceOptions.defaults(), bus));
        producer.publisher().publishAsync(P1, event());
        clock.advanceBy(Duration.ofMillis(100));

        bus.end(P1, EndReason.IDLE);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(broker.consumerCount(queue(P1))).as("not consumed until news comes").isZero();

        producer.publisher().publishAsync(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-1#2");
    }

    @Test
    void refusesMessagesThatAreNotEventsOfTheLogWithoutRequeueOrAck() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        Listener ads = listen(EventsourceOptions.defaults());
        Event real = producer.publisher().publish(P1, event()).events().get(0);
        clock.advanceBy(Duration.ofMillis(100));
        MessageBus raw = broker.connect();

        Event forged = new Event(EventId.of("forged"), P1, 2, EventName.of("Created"), Payload.text("x"), Map.of(),
                clock.instant());
        Event farAhead = new Event(EventId.of("far-ahead"), P1, 9999, EventName.of("Created"), Payload.text("x"),
                Map.of(), clock.instant());
        Event changed = new Event(real.id(), P1, 1, real.name(), Payload.text("not what was logged"), Map.of(),
                real.occurredAt());
        raw.publish(P1, List.of(forged, farAhead, changed));
        clock.advanceBy(Duration.ofSeconds(30));

        assertThat(handled).containsExactly("ads:Product-1#1");
        assertThat(ads.refusedDeliveries()).isEqualTo(3);
        assertThat(broker.queueDepth(queue(P1))).as("dropped, not requeued").isZero();
        assertThat(ports.ackStore().find(List.of(AckKey.of(forged.id(), ADS_PROJECTIONS),
                AckKey.of(farAhead.id(), ADS_PROJECTIONS)))).as("no ack for what is not in the log").isEmpty();
    }

    @Test
    void dropsAnnouncementsOfAggregatesTheLogHasNoEventsOf() {
        Listener ads = listen(EventsourceOptions.defaults());
        MessageBus raw = broker.connect();
        for (int i = 0; i < 100; i++) {
            raw.announce(AggregateRef.of("Product", "ghost-" + i));
        }
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(broker.queueNames()).noneMatch(name -> name.contains("ghost"));
        assertThat(broker.exchangeNames()).noneMatch(name -> name.contains("ghost"));
        assertThat(ads.droppedAnnouncements()).isEqualTo(100);
    }

    @Test
    void consumesAtMostTheConfiguredNumberOfAggregatesWhileTheRestWaitTheirTurn() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        listen(EventsourceOptions.defaults().withMaxConsumers(1));
        producer.publisher().publishAsync(P1, event());
        producer.publisher().publishAsync(P2, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(broker.consumerCount(queue(P1)) + broker.consumerCount(queue(P2))).isEqualTo(1);
        assertThat(handled).containsExactly("ads:Product-1#1");

        // the first consumer idles out and the waiting aggregate takes its place
        clock.advanceBy(ports.expiry().consumerIdleTimeout().plusSeconds(1));

        assertThat(handled).containsExactly("ads:Product-1#1", "ads:Product-2#1");
    }

    @Test
    void dropsAMessageAfterItsBoundedRetriesAndTheLogBringsItBack() {
        Eventsource producer = runtime(EventsourceOptions.defaults());
        Listener ads = listen(EventsourceOptions.defaults());
        acks.down = true;
        producer.publisher().publishAsync(P1, event());
        // backoffs of 1, 2, 4, 8 and 16 s, then the message is dropped
        clock.advanceBy(Duration.ofSeconds(32));
        assertThat(ads.refusedDeliveries()).as("given up on, not looped on").isGreaterThanOrEqualTo(1);
        assertThat(acks.recordCalls).as("tries of the message and of at most one re-drive by the sweeper meanwhile")
                .isBetween(Dispatcher.MAX_TRIES, 2 * Dispatcher.MAX_TRIES);

        acks.down = false;
        clock.advanceBy(SweepPolicy.defaults().gracePeriod().plus(SweepPolicy.defaults().interval().multipliedBy(2)));

        assertThat(ports.ackStore().lastSequence(ADS, Projection.of("projections"), P1)).as("acked once the store is back")
                .isEqualTo(1);
        assertThat(broker.queueDepth(queue(P1))).isZero();
    }

    private Listener listen(EventsourceOptions options) {
        return listen(runtime(options));
    }

    private Listener listen(Eventsource runtime) {
        Listener listener = runtime.listener(ADS);
        listener.listen("Product", "projections").onAny(e -> handled.add("ads:" + e.aggregate() + "#" + e.sequence()));
        listener.start();
        clock.advanceBy(Duration.ofMillis(100));
        return listener;
    }

    private Eventsource runtime(EventsourceOptions options) {
        return runtime(options, broker.connect());
    }

    private Eventsource runtime(EventsourceOptions options, MessageBus bus) {
        Eventsource runtime = new Eventsource(log, acks, registry, bus, clock, ports.expiry(), options);
        runtimes.add(runtime);
        return runtime;
    }

    /** A connection whose aggregate subscriptions the test ends, telling the listener the reason it chooses. */
    private static final class EndingBus extends ForwardingMessageBus {
        private final Map<AggregateRef, Subscription> subscriptions = new ConcurrentHashMap<>();
        private final Map<AggregateRef, EndReason> endAs = new ConcurrentHashMap<>();

        EndingBus(MessageBus delegate) {
            super(delegate);
        }

        @Override
        public Subscription subscribeAggregate(AggregateRef aggregate, ServiceName service, DeliveryListener listener) {
            Subscription subscription = super.subscribeAggregate(aggregate, service, new DeliveryListener() {
                @Override
                public void onDelivery(Delivery delivery) {
                    listener.onDelivery(delivery);
                }

                @Override
                public void onEnded(EndReason reason) {
                    EndReason as = endAs.remove(aggregate);
                    listener.onEnded(as == null ? reason : as);
                }
            });
            subscriptions.put(aggregate, subscription);
            return subscription;
        }

        /** Ends the aggregate's subscription as the bus would for {@code reason}. */
        void end(AggregateRef aggregate, EndReason reason) {
            endAs.put(aggregate, reason);
            subscriptions.get(aggregate).cancel();
        }
    }

    private NewEvent event() {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of("Created"), Payload.text("x"), Map.of(),
                clock.instant());
    }

    private static QueueName queue(AggregateRef aggregate) {
        return Topology.of(Namespace.NONE).aggregateQueue(aggregate, ADS);
    }

    /** The in-memory log, whose next appends can fail transiently, before or after writing. */
    private static final class FlakyLog extends ForwardingEventLog {
        private int failing;
        private boolean afterWriting;

        FlakyLog(EventLog log) {
            super(log);
        }

        synchronized void failAppends(int count, boolean afterWrite) {
            failing = count;
            afterWriting = afterWrite;
        }

        @Override
        public List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
            synchronized (this) {
                if (failing > 0) {
                    failing--;
                    if (afterWriting) {
                        delegate().append(aggregate, expected, events);
                    }
                    throw new TransientPortException("Communications link failure (simulated)");
                }
            }
            return delegate().append(aggregate, expected, events);
        }

        /** One append at a time, as the port's default does, so that each can fail as the test says. */
        @Override
        public List<AppendOutcome> appendAll(List<Append> appends) {
            List<AppendOutcome> outcomes = new ArrayList<>();
            for (Append append : appends) {
                try {
                    outcomes.add(new AppendOutcome.Appended(append(append.aggregate(), append.expected(),
                            append.events())));
                } catch (EventsourceException refused) {
                    outcomes.add(new AppendOutcome.Refused(refused));
                }
            }
            return outcomes;
        }
    }

    /** The in-memory ack store, whose records fail while the test says so. */
    private static final class FlakyAcks extends ForwardingAckStore {
        volatile boolean down;
        volatile int recordCalls;

        FlakyAcks(AckStore acks) {
            super(acks);
        }

        @Override
        public CompletionStage<Void> record(Collection<Ack> outcome) {
            recordCalls++;
            if (down) {
                throw new TransientPortException("the ack store is down (simulated)");
            }
            return super.record(outcome);
        }
    }

    /** The in-memory registry, which can be wiped as a Redis restart does: it reads empty until the next heartbeat. */
    private static final class WipeableRegistry implements ServiceRegistry {
        private final ServiceRegistry registry;
        private volatile boolean wiped;

        WipeableRegistry(ServiceRegistry registry) {
            this.registry = registry;
        }

        void wipe() {
            wiped = true;
        }

        @Override
        public void heartbeat(Collection<Binding> bindings, Instant at) {
            wiped = false;
            registry.heartbeat(bindings, at);
        }

        @Override
        public Set<ServiceName> liveServices(AggregateType type, Instant now) {
            return wiped ? Set.of() : registry.liveServices(type, now);
        }

        @Override
        public Set<Binding> bindings() {
            return wiped ? Set.of() : registry.bindings();
        }

        @Override
        public boolean holdLease(String lease, String holder, Instant now, Duration ttl) {
            return registry.holdLease(lease, holder, now, ttl);
        }

        @Override
        public AggregateTopology agreeTopology(AggregateType type, AggregateTopology proposed) {
            return registry.agreeTopology(type, proposed);
        }

        @Override
        public void instanceHeartbeat(AggregateType type, ServiceName service, String instance, Instant at) {
            registry.instanceHeartbeat(type, service, instance, at);
        }

        @Override
        public List<String> liveInstances(AggregateType type, ServiceName service, Instant now, Duration ttl) {
            return registry.liveInstances(type, service, now, ttl);
        }

        @Override
        public void leave(AggregateType type, ServiceName service, String instance) {
            registry.leave(type, service, instance);
        }
    }
}
