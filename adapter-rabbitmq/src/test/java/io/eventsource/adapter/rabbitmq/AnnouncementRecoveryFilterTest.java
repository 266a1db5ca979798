package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnnouncementRecoveryFilterTest {
    private static final Namespace NAMESPACE = Namespace.of("it_ns_1.");
    private static final Topology TOPOLOGY = Topology.of(NAMESPACE);
    private final AnnouncementRecoveryFilter filter = new AnnouncementRecoveryFilter(NAMESPACE);

    @Test
    void recoversTheAnnouncementTopology() {
        AggregateType product = AggregateType.of("Product");
        ServiceName ads = ServiceName.of("api-legacy.v2");

        assertThat(filter.isAnnouncementExchange(TOPOLOGY.announcementExchange(product).value())).isTrue();
        assertThat(filter.isAnnouncementQueue(TOPOLOGY.announcementQueue(product, ads).value())).isTrue();
    }

    @Test
    void neverRecoversPerAggregateObjects() {
        AggregateRef aggregate = AggregateRef.of("Product", "xAggregateIds");
        ServiceName ads = ServiceName.of("ads");

        assertThat(filter.isAnnouncementExchange(TOPOLOGY.aggregateExchange(aggregate).value())).isFalse();
        assertThat(filter.isAnnouncementQueue(TOPOLOGY.aggregateQueue(aggregate, ads).value())).isFalse();
        assertThat(filter.isAnnouncementQueue(TOPOLOGY.aggregateQueue(AggregateRef.of("Product", "42"), ads).value()))
                .isFalse();
    }

    @Test
    void recoversNothingOutsideItsNamespace() {
        Topology other = Topology.of(Namespace.of("other."));

        assertThat(filter.isAnnouncementExchange(other.announcementExchange(AggregateType.of("Product")).value()))
                .isFalse();
    }
}
