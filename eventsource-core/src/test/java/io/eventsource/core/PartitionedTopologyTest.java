package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.domain.TopologyMismatchException;
import io.eventsource.ports.MessageBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A type on the partitioned topology, end to end on the in-memory adapter and the virtual clock. */
class PartitionedTopologyTest {
    private static final AggregateType ORDER = AggregateType.of("Order");
    private static final ServiceName BILLING = ServiceName.of("billing");
    private static final ServiceName SHIPPING = ServiceName.of("shipping");
    private static final AggregateTopology.Partitioned SIXTEEN = AggregateTopology.partitioned(16);
    private static final Topology NAMES = Topology.of(Namespace.NONE);

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final InMemoryBroker broker = ports.broker();
    private final List<Eventsource> runtimes = new ArrayList<>();
    private final Map<Eventsource, MessageBus> buses = new ConcurrentHashMap<>();
    /** Per "service/instance", the handled events as "Order-id#sequence", in the order handled. */
    private final Map<String, List<String>> handled = new ConcurrentHashMap<>();
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void everyServiceHandlesEveryAggregateInOrderWithNoQueueOrAnnouncementPerAggregate() {
        Eventsource producer = runtime(SIXTEEN);
        listener(SIXTEEN, BILLING, "invoices");
        listener(SIXTEEN, SHIPPING, "parcels");
        settle();

        for (int round = 1; round <= 3; round++) {
            for (int id = 0; id < 40; id++) {
                producer.publisher().publishAsync(order(id), event("Step" + round));
            }
            settle();
        }

        for (String service : List.of("billing", "shipping")) {
            Map<String, List<Long>> byAggregate = byAggregate(handledBy(service));
            assertThat(byAggregate).as("%s handled every aggregate", service).hasSize(40);
            byAggregate.forEach((aggregate, sequences) -> assertThat(sequences)
                    .as("%s handled %s in order, each once", service, aggregate).containsExactly(1L, 2L, 3L));
        }
        assertThat(broker.consumerCount(NAMES.aggregateQueue(order(0), BILLING)))
                .as("no queue per aggregate").isZero();
        assertThat(broker.queueDepth(NAMES.announcementQueue(ORDER, BILLING))).as("no announcement").isZero();
        assertThat(ports.eventLog().unpublished(clock.instant().plusSeconds(1), 10)).isEmpty();
    }

    @Test
    void aRetryingAggregateDoesNotHoldUpTheOthersOfItsPartition() {
        AggregateTopology.Partitioned one = AggregateTopology.partitioned(1);
        Eventsource producer = runtime(one);
        AtomicInteger failures = new AtomicInteger();
        Listener billing = runtime(one, EventsourceOptions.defaults()
                .withFailurePolicy(FailurePolicy.seed().withMaxAttempts(3).withBackoff(Duration.ofSeconds(10), Duration.ofSeconds(10))))
                .listener(BILLING);
        billing.listen("Order", "invoices").onAny(event -> {
            if (event.aggregate().equals(order(0)) && failures.incrementAndGet() < 3) {
                throw new IllegalStateException("the invoice service is slow to answer for " + event.aggregate());
            }
            record("billing/1", event);
        });
        billing.start();
        settle();

        producer.publisher().publishAsync(order(0), event("Placed"));
        settle();
        for (int id = 1; id <= 5; id++) {
            producer.publisher().publishAsync(order(id), event("Placed"));
        }
        settle();

        assertThat(handledBy("billing")).as("the others of the one partition, while Order-0 waits for its retry")
                .containsExactlyInAnyOrder("Order-1#1", "Order-2#1", "Order-3#1", "Order-4#1", "Order-5#1");
        clock.advanceBy(Duration.ofSeconds(25));
        assertThat(handledBy("billing")).contains("Order-0#1");
    }

    @Test
    void twoInstancesShareThePartitionsAndTheSurvivorTakesAllWhenOneDies() {
        Eventsource producer = runtime(SIXTEEN);
        Eventsource first = runtime(SIXTEEN);
        Listener one = listen(first, BILLING, "invoices", "billing/1");
        one.start();
        settle();
        Eventsource second = runtime(SIXTEEN);
        Listener two = listen(second, BILLING, "invoices", "billing/2");
        two.start();
        // both see each other within a heartbeat, and the first hands the second its share
        clock.advanceBy(ports.expiry().heartbeatInterval().plusSeconds(1));

        List<AggregateRef> onePerPartition = onePerPartition(SIXTEEN);
        onePerPartition.forEach(order -> producer.publisher().publishAsync(order, event("Placed")));
        settle();

        Set<Integer> ofFirst = partitions(handled.getOrDefault("billing/1", List.of()));
        Set<Integer> ofSecond = partitions(handled.getOrDefault("billing/2", List.of()));
        assertThat(ofFirst).as("partitions the first instance handled").hasSize(8);
        assertThat(ofSecond).as("partitions the second instance handled").hasSize(8).doesNotContainAnyElementsOf(ofFirst);

        broker.crash(buses.get(second));
        second.stop();
        settle();
        onePerPartition.forEach(order -> producer.publisher().publishAsync(order, event("Shipped")));
        settle();

        assertThat(handled.get("billing/1")).filteredOn(h -> h.endsWith("#2")).hasSize(16);
        for (String instance : List.of("billing/1", "billing/2")) {
            byAggregate(handled.getOrDefault(instance, List.of())).forEach((aggregate, sequences) ->
                    assertThat(sequences).as("%s handled %s in order, none twice", instance, aggregate).isSorted()
                            .doesNotHaveDuplicates());
        }
        byAggregate(handledBy("billing")).forEach((aggregate, sequences) -> assertThat(sequences)
                .as("%s handled by one instance or the other, once", aggregate).containsExactlyInAnyOrder(1L, 2L));
    }

    @Test
    void aProcessThatChoseAnotherTopologyForTheTypeIsRefusedNamingBoth() {
        Listener partitioned = runtime(SIXTEEN).listener(BILLING);
        partitioned.listen("Order", "invoices").onAny(event -> { });
        partitioned.start();

        Eventsource seeds = runtime(AggregateTopology.perAggregate());
        Listener disagreeing = seeds.listener(SHIPPING);
        disagreeing.listen("Order", "parcels").onAny(event -> { });

        assertThatThrownBy(disagreeing::start).isInstanceOf(TopologyMismatchException.class)
                .hasMessageContaining("\"Order\" is partitioned(16, expiry PT24H) in this namespace")
                .hasMessageContaining("configured with per-aggregate");
        assertThatThrownBy(() -> seeds.publisher().publish(order(1), event("Placed")))
                .isInstanceOf(TopologyMismatchException.class);
        assertThat(ports.eventLog().version(order(1))).as("nothing appended").isZero();
        assertThatThrownBy(() -> runtime(AggregateTopology.partitioned(8)).publisher().publish(order(1), event("Placed")))
                .isInstanceOf(TopologyMismatchException.class).hasMessageContaining("partitioned(8");
    }

    @Test
    void theSweeperBringsWhatAnExpiredPartitionQueueHeld() {
        AggregateTopology.Partitioned expiring = AggregateTopology.partitioned(2).withQueueExpiry(Duration.ofMinutes(1));
        Eventsource producer = runtime(expiring);
        Eventsource first = runtime(expiring);
        Listener billing = listen(first, BILLING, "invoices", "billing/1");
        billing.start();
        settle();
        first.stop();
        settle();

        producer.publisher().publish(order(1), event("Placed"));
        producer.publisher().publish(order(2), event("Placed"));
        clock.advanceBy(Duration.ofMinutes(2));
        assertThat(broker.queueDepth(NAMES.partitionQueue(ORDER, expiring.partitionOf(order(1).id()), BILLING)))
                .as("expired with what it held").isZero();

        Listener again = listen(runtime(expiring), BILLING, "invoices", "billing/2");
        again.start();
        clock.advanceBy(Duration.ofSeconds(30));

        assertThat(handled.get("billing/2")).containsExactlyInAnyOrder("Order-1#1", "Order-2#1");
    }

    private List<AggregateRef> onePerPartition(AggregateTopology.Partitioned topology) {
        Map<Integer, AggregateRef> byPartition = new TreeMap<>();
        for (int id = 0; byPartition.size() < topology.partitions(); id++) {
            byPartition.putIfAbsent(topology.partitionOf(order(id).id()), order(id));
        }
        return List.copyOf(byPartition.values());
    }

    private static Set<Integer> partitions(List<String> handledEvents) {
        Set<Integer> partitions = new HashSet<>();
        for (String event : handledEvents) {
            String id = event.substring("Order-".length(), event.indexOf('#'));
            partitions.add(SIXTEEN.partitionOf(AggregateRef.of("Order", id).id()));
        }
        return partitions;
    }

    private Listener listener(AggregateTopology topology, ServiceName service, String projection) {
        Listener listener = listen(runtime(topology), service, projection, service.value() + "/1");
        listener.start();
        return listener;
    }

    private Listener listen(Eventsource runtime, ServiceName service, String projection, String instance) {
        Listener listener = runtime.listener(service);
        listener.listen("Order", projection).onAny(event -> record(instance, event));
        return listener;
    }

    private void record(String instance, Event event) {
        handled.computeIfAbsent(instance, i -> new CopyOnWriteArrayList<>())
                .add(event.aggregate() + "#" + event.sequence());
    }

    /** Everything the service's instances handled, in the order each handled it. */
    private List<String> handledBy(String service) {
        List<String> all = new ArrayList<>();
        handled.forEach((instance, events) -> {
            if (instance.startsWith(service + "/")) {
                all.addAll(events);
            }
        });
        return all;
    }

    private static Map<String, List<Long>> byAggregate(List<String> events) {
        Map<String, List<Long>> byAggregate = new TreeMap<>();
        for (String event : events) {
            int hash = event.indexOf('#');
            byAggregate.computeIfAbsent(event.substring(0, hash), a -> new ArrayList<>())
                    .add(Long.parseLong(event.substring(hash + 1)));
        }
        return byAggregate;
    }

    private Eventsource runtime(AggregateTopology topology) {
        return runtime(topology, EventsourceOptions.defaults());
    }

    private Eventsource runtime(AggregateTopology topology, EventsourceOptions options) {
        MessageBus bus = broker.connect();
        // publish runs on the virtual clock's own thread here: no retry, which would wait for the clock it advances
        Eventsource runtime = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), bus, clock,
                ports.expiry(), options.withPublishDeadline(Duration.ZERO).withTopology(ORDER, topology));
        runtimes.add(runtime);
        buses.put(runtime, bus);
        return runtime;
    }

    private static AggregateRef order(int id) {
        return AggregateRef.of("Order", String.valueOf(id));
    }

    private NewEvent event(String name) {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of(name), Payload.text(name), Map.of(),
                clock.instant());
    }

    private void settle() {
        clock.advanceBy(Duration.ofMillis(200));
    }
}
