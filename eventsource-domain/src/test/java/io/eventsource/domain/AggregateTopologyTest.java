package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AggregateTopologyTest {

    @Test
    void hashesAnIdWithFnv1aOverItsUtf8Bytes() {
        AggregateTopology.Partitioned sixteen = AggregateTopology.partitioned(16);
        // 0x87e38583 for "42", 0x050c5d1f for "" is not an id; "a" is 0xe40c292c
        assertThat(sixteen.partitionOf(AggregateId.of("42"))).isEqualTo(0x87e38583 & 0xf);
        assertThat(sixteen.partitionOf(AggregateId.of("a"))).isEqualTo(Integer.remainderUnsigned(0xe40c292c, 16));
        assertThat(AggregateTopology.partitioned(7).partitionOf(AggregateId.of("42")))
                .isEqualTo(Integer.remainderUnsigned(0x87e38583, 7));
        assertThat(AggregateTopology.partitioned(1).partitionOf(AggregateId.of("anything"))).isZero();
    }

    @Test
    void describesItselfSoThatEveryProcessReadsTheSameChoiceBack() {
        AggregateTopology partitioned = AggregateTopology.partitioned(16).withQueueExpiry(Duration.ofHours(2));
        assertThat(partitioned.describe()).isEqualTo("partitioned(16, expiry PT2H)");
        assertThat(AggregateTopology.parse(partitioned.describe())).isEqualTo(partitioned);
        assertThat(AggregateTopology.parse("per-aggregate")).isSameAs(AggregateTopology.perAggregate());
        assertThat(AggregateTopology.perAggregate().isPartitioned()).isFalse();
        assertThat(partitioned.isPartitioned()).isTrue();
    }

    @Test
    void refusesPartitionCountsAndExpiriesOutOfRange() {
        assertThatThrownBy(() -> AggregateTopology.partitioned(0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1-1024 partitions, got 0");
        assertThatThrownBy(() -> AggregateTopology.partitioned(1025)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> AggregateTopology.partitioned(4).withQueueExpiry(Duration.ofSeconds(59)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("1 minute to 365 days");
        assertThatThrownBy(() -> AggregateTopology.parse("partitioned(0, expiry PT1H)"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> AggregateTopology.parse("sharded")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("per-aggregate");
    }

    @Test
    void aMismatchNamesBothChoices() {
        TopologyMismatchException e = new TopologyMismatchException(AggregateType.of("Order"),
                AggregateTopology.partitioned(16), AggregateTopology.perAggregate());
        assertThat(e).hasMessageContaining("\"Order\" is partitioned(16, expiry PT24H) in this namespace")
                .hasMessageContaining("configured with per-aggregate");
    }

    @Test
    void namesPartitionQueuesInTheSeedsStyle() {
        Topology topology = Topology.of(Namespace.of("shop."));
        assertThat(topology.partitionQueue(AggregateType.of("Order"), 3, ServiceName.of("ads")).value())
                .isEqualTo("shop.Order-p3-ads");
        assertThat(topology.partitionExchange(AggregateType.of("Order")).value()).isEqualTo("shop.OrderPartitions");
        assertThat(topology.instancesKey(AggregateType.of("Order"), ServiceName.of("ads")))
                .isEqualTo("shop.OrderInstances-ads");
    }
}
