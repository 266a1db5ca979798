package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which messages the broker writes to disk: the events on aggregates' own queues and their announcements only when
 * the settings ask for it (the log is their durable copy, and the queue a buffer that expires), partitioned events
 * always (their queues hold what a service that is down for long comes back to).
 */
class RabbitMqMessageDurabilityIT {
    private static final int TRANSIENT = 1;
    private static final int PERSISTENT = 2;
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final AggregateType ORDER = AggregateType.of("Order");

    private Broker broker;
    private Topology topology;

    @BeforeEach
    void connect() throws Exception {
        broker = new Broker();
        topology = Topology.of(broker.namespace);
    }

    @AfterEach
    void cleanUp() throws Exception {
        broker.close();
    }

    private AggregateRef product() {
        AggregateRef product = new AggregateRef(AggregateType.of("Product"),
                AggregateId.of(UUID.randomUUID().toString()));
        broker.deleteAfterwards(topology.aggregateQueue(product, ADS).value(),
                topology.aggregateExchange(product).value());
        return product;
    }

    @Test
    void theEventsOnAnAggregatesQueueAreTransientByDefault() throws Exception {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        AggregateRef product = product();
        bus.declareRoute(product, Set.of(ADS));

        bus.publish(product, Recorder.events(product, 1, 2));
        bus.publishAll(Map.of(product, Recorder.events(product, 3, 3)));

        assertThat(broker.deliveryModes(topology.aggregateQueue(product, ADS).value()))
                .containsExactly(TRANSIENT, TRANSIENT, TRANSIENT);
    }

    @Test
    void theEventsOnAnAggregatesQueueArePersistentWhenTheSettingsAskForIt() throws Exception {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT, broker.settings.withPersistentAggregateEvents(true));
        AggregateRef product = product();
        bus.declareRoute(product, Set.of(ADS));

        bus.publish(product, Recorder.events(product, 1, 2));
        bus.publishAndAnnounce(Map.of(product, Recorder.events(product, 3, 3)), List.of());

        assertThat(broker.deliveryModes(topology.aggregateQueue(product, ADS).value()))
                .containsExactly(PERSISTENT, PERSISTENT, PERSISTENT);
    }

    @Test
    void announcementsAreAsDurableAsTheEventsTheyAnnounce() throws Exception {
        assertThat(announcementModes(broker.bus(Broker.SHORT), AggregateType.of("Product")))
                .as("by default").containsExactly(TRANSIENT, TRANSIENT, TRANSIENT);
        assertThat(announcementModes(broker.bus(Broker.SHORT, broker.settings.withPersistentAggregateEvents(true)),
                AggregateType.of("Device")))
                .as("with persistent aggregate events").containsExactly(PERSISTENT, PERSISTENT, PERSISTENT);
    }

    /** The delivery modes of the announcements of an aggregate of the type that each way of announcing sends. */
    private List<Integer> announcementModes(RabbitMqMessageBus bus, AggregateType type) throws Exception {
        AggregateRef aggregate = new AggregateRef(type, AggregateId.of(UUID.randomUUID().toString()));
        broker.deleteAfterwards(topology.aggregateQueue(aggregate, ADS).value(),
                topology.aggregateExchange(aggregate).value());
        bus.declareAnnouncements(type, ADS);
        String queue = topology.announcementQueue(type, ADS).value();
        broker.deleteAfterwards(queue, topology.announcementExchange(type).value());
        bus.declareRoute(aggregate, Set.of(ADS));

        bus.announce(aggregate);
        bus.announceAll(List.of(aggregate));
        bus.publishAndAnnounce(Map.of(aggregate, Recorder.events(aggregate, 1, 1)), List.of(aggregate));

        return broker.deliveryModes(queue);
    }

    @Test
    void theEventsOfAPartitionedTypeArePersistent() throws Exception {
        AggregateTopology.Partitioned one = AggregateTopology.partitioned(1).withQueueExpiry(Duration.ofMinutes(1));
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        bus.useTopology(ORDER, one);
        bus.declarePartitions(ORDER, ADS);
        String queue = topology.partitionQueue(ORDER, 0, ADS).value();
        broker.deleteAfterwards(queue, topology.partitionExchange(ORDER).value());
        AggregateRef order = new AggregateRef(ORDER, AggregateId.of(UUID.randomUUID().toString()));

        bus.publish(order, Recorder.events(order, 1, 2));

        assertThat(broker.deliveryModes(queue)).containsExactly(PERSISTENT, PERSISTENT);
    }
}
