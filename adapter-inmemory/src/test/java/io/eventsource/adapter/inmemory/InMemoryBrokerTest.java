package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Payload;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Topology;
import io.eventsource.ports.Cancellable;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.Subscription;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.Recorder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the simulation offers beyond the port's contract: crashes, outages, operator deletes, inspection. */
class InMemoryBrokerTest {
    private static final AggregateRef PRODUCT_42 = AggregateRef.of("Product", "42");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final QueueName QUEUE = Topology.of(Namespace.NONE).aggregateQueue(PRODUCT_42, ADS);

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final InMemoryBroker broker = new InMemoryBroker(scheduler, ExpiryPolicy.SEED);

    private static List<Event> events(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(sequence -> new Event(EventId.random(), PRODUCT_42, sequence, EventName.of("ProductRenamed"),
                        Payload.text("x"), Map.of(), VirtualScheduler.DEFAULT_START))
                .toList();
    }

    /**
     * A listener may run handlers where the broker calls it, so the broker calls it from work handed to
     * {@link Scheduler#execute} (a real-time scheduler's threads for blocking work), never from a timer task.
     */
    @Test
    void callsListenersFromTheSchedulersBlockingWorkNotFromItsTimers() {
        ThreadLocal<Boolean> inBlockingWork = ThreadLocal.withInitial(() -> false);
        Scheduler recording = new Scheduler() {
            @Override
            public Instant instant() {
                return scheduler.instant();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                return scheduler.schedule(delay, task);
            }

            @Override
            public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
                return scheduler.scheduleAtFixedRate(initialDelay, period, task);
            }

            @Override
            public void execute(Runnable task) {
                scheduler.schedule(Duration.ZERO, () -> {
                    inBlockingWork.set(true);
                    try {
                        task.run();
                    } finally {
                        inBlockingWork.set(false);
                    }
                });
            }
        };
        MessageBus bus = new InMemoryBroker(recording, ExpiryPolicy.SEED).connect();
        bus.declareRoute(PRODUCT_42, Set.of(ADS));
        List<String> calls = new ArrayList<>();
        bus.subscribeAggregate(PRODUCT_42, ADS, delivery -> {
            calls.add(delivery.event().sequence() + (inBlockingWork.get() ? " in blocking work" : " in a timer task"));
            delivery.ack();
        });

        bus.publish(PRODUCT_42, events(1, 2));
        scheduler.runDueTasks();

        assertThat(calls).containsExactly("1 in blocking work", "2 in blocking work");
    }

    @Test
    void aCrashedConnectionLosesItsSubscriptionsAndReturnsTheirMessages() {
        MessageBus instance = broker.connect();
        instance.declareRoute(PRODUCT_42, Set.of(ADS));
        Recorder recorder = Recorder.manual();
        instance.subscribeAggregate(PRODUCT_42, ADS, recorder);
        instance.publish(PRODUCT_42, events(1, 3));
        scheduler.runDueTasks();
        assertThat(broker.queueDepth(QUEUE)).isEqualTo(3);
        assertThat(broker.readyMessages(QUEUE)).isZero();

        broker.crash(instance);
        scheduler.runDueTasks();

        assertThat(recorder.endings()).containsExactly(EndReason.CONNECTION_LOST);
        assertThat(broker.readyMessages(QUEUE)).isEqualTo(3);
        assertThat(broker.consumerCount(QUEUE)).isZero();
        assertThat(broker.connectionCount()).isZero();
        assertThatThrownBy(() -> instance.publish(PRODUCT_42, events(4, 4))).isInstanceOf(TransientPortException.class);
    }

    @Test
    void anOutageEndsEverySubscriptionAndRefusesCallsUntilTheBrokerIsBack() {
        MessageBus bus = broker.connect();
        bus.declareRoute(PRODUCT_42, Set.of(ADS));
        Recorder recorder = Recorder.manual();
        bus.subscribeAggregate(PRODUCT_42, ADS, recorder);

        broker.stop();
        scheduler.runDueTasks();

        assertThat(recorder.endings()).containsExactly(EndReason.CONNECTION_LOST);
        assertThatThrownBy(() -> bus.publish(PRODUCT_42, events(1, 1))).isInstanceOf(TransientPortException.class)
                .hasMessageContaining("unreachable");

        broker.start();
        assertThat(bus.publish(PRODUCT_42, events(1, 1))).isEqualTo(new PublishResult.Routed());
        assertThat(broker.readyMessages(QUEUE)).isEqualTo(1);
    }

    @Test
    void anOperatorDeletingAQueueEndsItsConsumersAndDropsItsMessages() {
        MessageBus bus = broker.connect();
        bus.declareRoute(PRODUCT_42, Set.of(ADS));
        Recorder recorder = Recorder.manual();
        Subscription subscription = bus.subscribeAggregate(PRODUCT_42, ADS, recorder);
        bus.publish(PRODUCT_42, events(1, 2));

        broker.deleteQueue(QUEUE);
        scheduler.runDueTasks();

        assertThat(recorder.endings()).containsExactly(EndReason.QUEUE_DELETED);
        assertThat(recorder.deliveries()).as("nothing is delivered after the end").isEmpty();
        assertThat(subscription.isOpen()).isFalse();
        assertThat(broker.queueNames()).isEmpty();
        assertThat(broker.exchangeNames()).isEmpty();
    }

    @Test
    void showsTheTopologyOfTheSeedsFlow() {
        MessageBus bus = broker.connect(Namespace.of("staging."));
        bus.declareAnnouncements(PRODUCT_42.type(), ADS);
        bus.declareRoute(PRODUCT_42, Set.of(ADS, ServiceName.of("search")));

        assertThat(broker.exchangeNames()).containsExactly("staging.Product-42", "staging.ProductAggregateIds");
        assertThat(broker.queueNames()).containsExactly("staging.Product-42-ads", "staging.Product-42-search",
                "staging.ProductAggregateIds-ads");
        assertThat(broker.boundQueues(Topology.of(Namespace.of("staging.")).aggregateExchange(PRODUCT_42)))
                .containsExactly("staging.Product-42-ads", "staging.Product-42-search");
    }

    @Test
    void aStandbyConsumerIsIdleCancelledLikeAnyOther() {
        MessageBus one = broker.connect();
        MessageBus two = broker.connect();
        one.declareRoute(PRODUCT_42, Set.of(ADS));
        Recorder active = Recorder.acking();
        Recorder standby = Recorder.acking();
        one.subscribeAggregate(PRODUCT_42, ADS, active);
        two.subscribeAggregate(PRODUCT_42, ADS, standby);

        for (int second = 1; second <= 6; second++) {
            one.publish(PRODUCT_42, events(second, second));
            scheduler.advanceBy(Duration.ofSeconds(1));
        }

        assertThat(active.endings()).isEmpty();
        assertThat(standby.endings()).containsExactly(EndReason.IDLE);
        assertThat(broker.consumerCount(QUEUE)).isEqualTo(1);
    }

    @Test
    void anErrorInAListenerReachesTheSchedulerAndLaterDeliveriesStillArrive() {
        MessageBus bus = broker.connect();
        bus.declareRoute(PRODUCT_42, Set.of(ADS));
        List<Long> received = new CopyOnWriteArrayList<>();
        bus.subscribeAggregate(PRODUCT_42, ADS, delivery -> {
            received.add(delivery.event().sequence());
            delivery.ack();
            if (delivery.event().sequence() == 1) {
                throw new AssertionError("a test's assertion failing inside a listener");
            }
        });

        bus.publish(PRODUCT_42, events(1, 3));
        scheduler.runDueTasks();

        assertThat(received).containsExactly(1L, 2L, 3L);
        assertThat(scheduler.failures()).singleElement().isInstanceOf(AssertionError.class);
    }

    @Test
    void refusesToRedeclareAQueueAsAnotherKind() {
        // no two names of the topology meet any more (not across namespaces either: NamespaceProperties), so the
        // broker's own check is driven directly: an expiring aggregate queue under an announcement queue's name
        broker.connect().declareAnnouncements(AggregateType.of("X"), ServiceName.of("1-ads"));
        String announcementQueue = Topology.of(Namespace.NONE).announcementQueue(AggregateType.of("X"),
                ServiceName.of("1-ads")).value();

        assertThatThrownBy(() -> {
            synchronized (broker.lock()) {
                broker.declareAggregateQueue(announcementQueue, AggregateRef.of("X", "1"), ServiceName.of("ads"));
            }
        }).isInstanceOf(PermanentPortException.class).hasMessageContaining("PRECONDITION_FAILED");
    }

    @Test
    void refusesAnAggregateQueueToASecondBindingThatSpellsItsName() {
        MessageBus bus = broker.connect();
        AggregateRef holder = AggregateRef.of("Product", "x-api");
        bus.declareRoute(holder, Set.of(ServiceName.of("legacy")));

        assertThatThrownBy(() -> bus.declareRoute(AggregateRef.of("Product", "x"), Set.of(ServiceName.of("api-legacy"))))
                .isInstanceOf(RouteCollisionException.class)
                .hasMessageContaining("Product-x-api-legacy")
                .hasMessageContaining("Product-x-api for service legacy");
        bus.declareRoute(holder, Set.of(ServiceName.of("legacy")));
    }

    @Test
    void anAnnouncementQueueKeepsItsNewestAnnouncementsUpToItsMaximumLength() {
        InMemoryBroker bounded = new InMemoryBroker(scheduler, ExpiryPolicy.SEED, 3);
        MessageBus bus = bounded.connect();
        AggregateType product = AggregateType.of("Product");
        bus.declareAnnouncements(product, ADS);
        for (int id = 1; id <= 5; id++) {
            bus.announce(AggregateRef.of("Product", String.valueOf(id)));
        }
        QueueName queue = Topology.of(Namespace.NONE).announcementQueue(product, ADS);
        assertThat(bounded.readyMessages(queue)).isEqualTo(3);

        List<AggregateRef> heard = new CopyOnWriteArrayList<>();
        bus.subscribeAnnouncements(product, ADS, heard::add);
        scheduler.runDueTasks();

        assertThat(heard).as("the oldest dropped, as drop-head does").containsExactly(AggregateRef.of("Product", "3"),
                AggregateRef.of("Product", "4"), AggregateRef.of("Product", "5"));
    }

    // ---- the partitioned topology ----

    private static final AggregateType ORDER = AggregateType.of("Order");
    private static final AggregateTopology.Partitioned FOUR = AggregateTopology.partitioned(4);

    private MessageBus partitioned() {
        MessageBus bus = broker.connect();
        bus.useTopology(ORDER, FOUR);
        return bus;
    }

    private static AggregateRef order(String id) {
        return new AggregateRef(ORDER, AggregateId.of(id));
    }

    private static List<Event> orderEvents(AggregateRef aggregate, long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(sequence -> new Event(EventId.random(), aggregate, sequence, EventName.of("OrderPlaced"),
                        Payload.text("x"), Map.of(), VirtualScheduler.DEFAULT_START))
                .toList();
    }

    @Test
    void showsWhichSubscriptionIsActiveOnAPartitionAndHandsOverInSubscriptionOrder() {
        MessageBus producer = partitioned();
        producer.declarePartitions(ORDER, ADS);
        QueueName queue = Topology.of(Namespace.NONE).partitionQueue(ORDER, 3, ADS);
        AggregateRef aggregate = order("42"); // FNV-1a 0x87e38583: partition 3 of 4
        Recorder first = Recorder.manual();
        Recorder second = Recorder.manual();
        Recorder third = Recorder.manual();
        Subscription one = partitioned().subscribePartition(ORDER, 3, ADS, "one", first);
        Subscription two = partitioned().subscribePartition(ORDER, 3, ADS, "two", second);
        Subscription three = partitioned().subscribePartition(ORDER, 3, ADS, "three", third);
        assertThat(broker.activeConsumer(queue)).containsSame(one);
        assertThat(broker.activeConsumerTag(queue)).contains("one-p3");

        producer.publish(aggregate, orderEvents(aggregate, 1, 4));
        scheduler.runDueTasks();
        first.deliveries().get(2).ack();
        first.deliveries().get(0).requeue();
        scheduler.runDueTasks();
        assertThat(first.sequences()).as("a requeued message goes back to its place, ahead of later ones")
                .containsExactly(1L, 2L, 3L, 4L, 1L);
        one.cancel();
        scheduler.runDueTasks();

        assertThat(broker.activeConsumer(queue)).containsSame(two);
        assertThat(second.sequences()).containsExactly(1L, 2L, 4L);
        assertThat(third.deliveries()).isEmpty();
        two.cancel();
        scheduler.runDueTasks();
        assertThat(broker.activeConsumer(queue)).containsSame(three);
        assertThat(third.sequences()).containsExactly(1L, 2L, 4L);
    }

    @Test
    void aPartitionQueueIsDeclaredOnceForAThirdOfItsExpiryByRoutesAndAlwaysByDeclarePartitions() {
        MessageBus bus = partitioned();
        AggregateRef aggregate = order("42");
        QueueName queue = Topology.of(Namespace.NONE).partitionQueue(ORDER, 3, ADS);
        bus.declareRoute(aggregate, Set.of(ADS));
        scheduler.advanceBy(FOUR.queueExpiry().dividedBy(3).minusSeconds(1));
        bus.declareRoute(aggregate, Set.of(ADS)); // remembered: the queue's unused period goes on
        scheduler.advanceBy(FOUR.queueExpiry().minus(FOUR.queueExpiry().dividedBy(3)).minusSeconds(1));
        assertThat(broker.queueExists(queue)).isTrue();
        scheduler.advanceBy(Duration.ofSeconds(2));
        assertThat(broker.queueExists(queue)).as("a route declared within a third of the expiry is not redeclared")
                .isFalse();

        assertThat(bus.publish(aggregate, orderEvents(aggregate, 1, 1))).isInstanceOf(PublishResult.Unroutable.class);
        bus.declareRoute(aggregate, Set.of(ADS));
        assertThat(broker.queueExists(queue)).as("an unroutable publish forgets the declared queues").isTrue();
        scheduler.advanceBy(FOUR.queueExpiry().minusSeconds(1));
        bus.declarePartitions(ORDER, ADS);
        scheduler.advanceBy(FOUR.queueExpiry().minusSeconds(1));
        assertThat(broker.queueExists(queue)).as("declarePartitions restarts the unused period").isTrue();
        assertThat(broker.queueExpiry(queue)).contains(FOUR.queueExpiry());
    }

    @Test
    void refusesAPartitionQueueDeclaredWithAnotherExpiryOrAsAnAggregateQueue() {
        partitioned().declarePartitions(ORDER, ADS);
        MessageBus disagreeing = broker.connect();
        disagreeing.useTopology(ORDER, FOUR.withQueueExpiry(Duration.ofHours(1)));
        MessageBus perAggregate = broker.connect();

        assertThatThrownBy(() -> disagreeing.declarePartitions(ORDER, ADS)).isInstanceOf(PermanentPortException.class)
                .hasMessageContaining("expiry PT24H").hasMessageContaining("PT1H");
        // the aggregate p1 of a per-aggregate Order spells Order-p1-ads, the name of partition 1
        assertThatThrownBy(() -> perAggregate.declareRoute(order("p1"), Set.of(ADS)))
                .isInstanceOf(PermanentPortException.class).hasMessageContaining("Order-p1-ads");
    }

    @Test
    void refusesAnInstanceNameOutsideItsAlphabetAndAPartitionOutOfRange() {
        MessageBus bus = partitioned();
        bus.declarePartitions(ORDER, ADS);

        assertThatThrownBy(() -> bus.subscribePartition(ORDER, 0, ADS, "an instance", Recorder.manual()))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("[A-Za-z0-9_.:-]");
        assertThatThrownBy(() -> bus.subscribePartition(ORDER, 4, ADS, "one", Recorder.manual()))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("0-3, got 4");
    }
}
