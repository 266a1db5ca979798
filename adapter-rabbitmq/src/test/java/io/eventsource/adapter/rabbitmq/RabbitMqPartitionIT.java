package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the partitioned topology does on RabbitMQ beyond the bus contract: what the bus remembers of its declarations,
 * the partition prefetch, foreign messages on a partition queue, and a process that disagrees on the expiry.
 */
class RabbitMqPartitionIT {
    private static final AggregateType ORDER = AggregateType.of("Order");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final AggregateTopology.Partitioned FOUR = AggregateTopology.partitioned(4)
            .withQueueExpiry(Duration.ofMinutes(1));

    private Broker broker;
    private Topology topology;

    @BeforeEach
    void connect() throws Exception {
        broker = new Broker();
        topology = Topology.of(broker.namespace);
        for (int partition = 0; partition < FOUR.partitions(); partition++) {
            broker.deleteAfterwards(queue(partition), topology.partitionExchange(ORDER).value());
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        broker.close();
    }

    private String queue(int partition) {
        return topology.partitionQueue(ORDER, partition, ADS).value();
    }

    private RabbitMqMessageBus partitioned(RabbitMqSettings settings) {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT, settings);
        bus.useTopology(ORDER, FOUR);
        return bus;
    }

    private static AggregateRef orderIn(int partition) {
        while (true) {
            AggregateRef aggregate = new AggregateRef(ORDER, AggregateId.of(UUID.randomUUID().toString()));
            if (FOUR.partitionOf(aggregate.id()) == partition) {
                return aggregate;
            }
        }
    }

    private long messageCount(String queue) {
        try {
            return broker.messageCount(queue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void remembersADeclaredPartitionQueueUntilAPublishFindsItGone() throws Exception {
        RabbitMqMessageBus bus = partitioned(broker.settings);
        AggregateRef aggregate = orderIn(1);
        bus.declareRoute(aggregate, Set.of(ADS));
        broker.deleteQueue(queue(1));

        bus.declareRoute(aggregate, Set.of(ADS));
        assertThat(broker.queueExists(queue(1))).as("declared lately: not declared again").isFalse();
        assertThat(bus.publish(aggregate, Recorder.events(aggregate, 1, 1)))
                .isEqualTo(new PublishResult.Unroutable(topology.partitionExchange(ORDER).value()));

        bus.declareRoute(aggregate, Set.of(ADS));
        assertThat(broker.queueExists(queue(1))).as("forgotten after the unrouted publish: declared again").isTrue();
        assertThat(bus.publish(aggregate, Recorder.events(aggregate, 1, 1))).isEqualTo(new PublishResult.Routed());
    }

    @Test
    void aPartitionConsumerHoldsAtMostThePartitionPrefetch() {
        RabbitMqMessageBus bus = partitioned(broker.settings.withPartitionPrefetch(3));
        bus.declarePartitions(ORDER, ADS);
        Recorder recorder = Recorder.holding();
        bus.subscribePartition(ORDER, 2, ADS, "ads-1", recorder);
        AggregateRef first = orderIn(2);
        AggregateRef second = orderIn(2);

        bus.publish(first, Recorder.events(first, 1, 3));
        bus.publish(second, Recorder.events(second, 1, 2));

        Poll.until("three delivered", PATIENCE, () -> recorder.deliveries.size() == 3);
        Poll.never("more than the prefetch unsettled", Duration.ofMillis(500), () -> recorder.deliveries.size() > 3);
        recorder.deliveries.get(1).ack();
        Poll.until("one more after an ack", PATIENCE, () -> recorder.deliveries.size() == 4);
    }

    @Test
    void aListenerThatReturnsAtOnceIsCalledOnTheClientsThreadOneDeliveryAtATimeInOrderAndEndedAfterThem() {
        RabbitMqMessageBus bus = partitioned(broker.settings);
        bus.declarePartitions(ORDER, ADS);
        List<Long> sequences = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        AtomicInteger inCall = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicReference<Integer> deliveriesWhenEnded = new AtomicReference<>();
        DeliveryListener atOnce = new DeliveryListener() {
            @Override
            public void onDelivery(Delivery delivery) {
                if (inCall.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                threads.add(Thread.currentThread().getName());
                sequences.add(delivery.event().sequence());
                delivery.ack();
                inCall.decrementAndGet();
            }

            @Override
            public void onEnded(EndReason reason) {
                deliveriesWhenEnded.set(sequences.size());
            }

            @Override
            public boolean returnsAtOnce() {
                return true;
            }
        };
        Subscription subscription = bus.subscribePartition(ORDER, 3, ADS, "ads-1", atOnce);
        AggregateRef order = orderIn(3);

        bus.publish(order, Recorder.events(order, 1, 50));
        Poll.until("fifty delivered", PATIENCE, () -> sequences.size() == 50);
        subscription.cancel();
        Poll.until("told of the end", PATIENCE, () -> deliveriesWhenEnded.get() != null);

        assertThat(sequences).as("in queue order").isEqualTo(LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(overlaps.get()).as("one call at a time").isZero();
        assertThat(deliveriesWhenEnded.get()).as("the end after every delivery").isEqualTo(50);
        assertThat(threads.get(0)).as("the first on the client's thread, not handed to one of the bus's")
                .doesNotStartWith("eventsource-rabbitmq-");
        Poll.until("every delivery settled", PATIENCE, () -> messageCount(queue(3)) == 0);
    }

    @Test
    void rejectsAnEventOfAnotherTypeOnAPartitionQueueAndGoesOn() throws Exception {
        RabbitMqMessageBus bus = partitioned(broker.settings);
        bus.declarePartitions(ORDER, ADS);
        Recorder recorder = Recorder.acking();
        Subscription subscription = bus.subscribePartition(ORDER, 0, ADS, "ads-1", recorder);
        AggregateRef product = AggregateRef.of("Product", "42");
        EventEnvelope.Message foreign = EventEnvelope.encode(Recorder.events(product, 1, 1).get(0), true);
        AggregateRef order = orderIn(0);

        broker.publishRaw(topology.partitionExchange(ORDER).value(), "0", foreign.properties(), foreign.body());
        bus.publish(order, Recorder.events(order, 1, 1));

        Poll.until("the order's event arrived", PATIENCE, () -> recorder.deliveries.size() == 1);
        assertThat(recorder.deliveries.get(0).event().aggregate()).isEqualTo(order);
        assertThat(bus.malformedMessages()).isEqualTo(1);
        assertThat(subscription.isOpen()).isTrue();
        Poll.until("nothing left on the queue (rejected without requeue)", PATIENCE,
                () -> messageCount(queue(0)) == 0);
    }

    @Test
    void refusesPartitionQueuesThatAnotherProcessDeclaredWithAnotherExpiryNamingBoth() {
        partitioned(broker.settings).declarePartitions(ORDER, ADS);
        RabbitMqMessageBus disagreeing = broker.bus(Broker.SHORT);
        disagreeing.useTopology(ORDER, FOUR.withQueueExpiry(Duration.ofMinutes(2)));

        assertThatThrownBy(() -> disagreeing.declarePartitions(ORDER, ADS)).isInstanceOf(PermanentPortException.class)
                .hasMessageContaining(queue(0)).hasMessageContaining("60000").hasMessageContaining("120000");
        assertThatThrownBy(() -> disagreeing.declareRoute(orderIn(3), Set.of(ADS)))
                .isInstanceOf(PermanentPortException.class).hasMessageContaining(queue(3));
    }
}
