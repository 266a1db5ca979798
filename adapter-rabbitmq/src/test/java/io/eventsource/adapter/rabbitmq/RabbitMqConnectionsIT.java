package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.services.FaultProxy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bus over a network that stops carrying bytes for a while, without closing anything. */
class RabbitMqConnectionsIT {
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final ServiceName SEARCH = ServiceName.of("search");

    /*
     * A call that times out gets its answer later. amqp-client closes the channel of a call that timed out, so that
     * the late answer cannot be taken for the answer to the channel's next call; the bus then declares on a new
     * channel (its topology channel, which the client's recovery records go through, included).
     */
    @Test
    void aDeclarationThatTimedOutIsATransientFailureAndTheNextOneWorks() throws Exception {
        try (Broker broker = new Broker(); FaultProxy proxy = FaultProxy.to("rabbitmq", Broker.uri())) {
            RabbitMqSettings settings = broker.settings.withUri(proxy.route(Broker.uri()))
                    .withConnectionTimeout(Duration.ofMillis(500));
            RabbitMqMessageBus bus = broker.bus(Broker.SHORT, settings);
            Topology topology = Topology.of(broker.namespace);
            AggregateRef product = AggregateRef.of("Product", "42");
            AggregateType type = product.type();
            String exchange = topology.announcementExchange(type).value();
            broker.deleteAfterwards(topology.announcementQueue(type, ADS).value(), exchange);
            broker.deleteAfterwards(topology.announcementQueue(type, SEARCH).value(), exchange);
            bus.declareAnnouncements(type, ADS);

            proxy.blackhole();
            assertThatThrownBy(() -> bus.declareAnnouncements(type, SEARCH))
                    .as("the declaration times out while the network holds its bytes")
                    .isInstanceOf(TransientPortException.class);
            proxy.restore();

            bus.declareAnnouncements(type, SEARCH);
            List<AggregateRef> ads = new CopyOnWriteArrayList<>();
            List<AggregateRef> search = new CopyOnWriteArrayList<>();
            bus.subscribeAnnouncements(type, ADS, ads::add);
            bus.subscribeAnnouncements(type, SEARCH, search::add);
            assertThat(bus.announce(product)).isEqualTo(new PublishResult.Routed());
            Poll.until("both services heard of the aggregate", Duration.ofSeconds(10),
                    () -> ads.contains(product) && search.contains(product));
        }
    }
}
