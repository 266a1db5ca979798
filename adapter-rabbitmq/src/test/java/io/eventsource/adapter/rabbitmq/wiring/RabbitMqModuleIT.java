package io.eventsource.adapter.rabbitmq.wiring;

import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Topology;
import io.eventsource.ports.Cancellable;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.Scheduler;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RabbitMqModuleIT {
    /** Nothing in this test waits for time to pass. */
    private static final Scheduler NO_TIME = new Scheduler() {
        @Override
        public Instant instant() {
            return Instant.now();
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            return () -> {
            };
        }

        @Override
        public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
            return () -> {
            };
        }
    };

    @Test
    void composesOneBusOnTheConfiguredBroker() {
        URI broker = RealService.RABBITMQ.locate();
        Namespace namespace = Namespace.of("it_" + UUID.randomUUID().toString().substring(0, 8) + ".");
        RabbitMqSettings settings = RabbitMqSettings.local().withUri(broker).withNamespace(namespace);
        RabbitMqComponent component = DaggerRabbitMqComponent.factory().create(settings, ExpiryPolicy.seed(), NO_TIME);
        AggregateRef aggregate = AggregateRef.of("Product", "42");

        try (MessageBus bus = component.messageBus()) {
            assertThat(component.messageBus()).as("one bus per component").isSameAs(bus);
            assertThat(bus.publish(aggregate, java.util.List.of())).isEqualTo(new PublishResult.Routed());
            assertThat(bus.announce(aggregate)).isEqualTo(new PublishResult.ExchangeMissing(
                    Topology.of(namespace).announcementExchange(AggregateType.of("Product")).value()));
        }
    }

    @Test
    void reportsAnUnreachableBrokerAsATransientPortException() {
        RabbitMqSettings settings = RabbitMqSettings.local().withUri(URI.create("amqp://guest:guest@127.0.0.1:1"))
                .withConnectionTimeout(Duration.ofSeconds(2));
        RabbitMqComponent component = DaggerRabbitMqComponent.factory().create(settings, ExpiryPolicy.seed(), NO_TIME);

        assertThatThrownBy(component::messageBus)
                .isInstanceOf(PortException.class)
                .hasMessageContaining("127.0.0.1:1")
                .satisfies(e -> assertThat(((PortException) e).isTransient()).isTrue());
    }

    @Test
    void reportsRefusedCredentialsAsAPermanentPortException() {
        URI broker = RealService.RABBITMQ.locate();
        URI wrong = URI.create("amqp://guest:wrong-password@" + broker.getHost() + ":" + broker.getPort());
        RabbitMqComponent component = DaggerRabbitMqComponent.factory()
                .create(RabbitMqSettings.local().withUri(wrong), ExpiryPolicy.seed(), NO_TIME);

        assertThatThrownBy(component::messageBus)
                .isInstanceOf(PortException.class)
                .hasMessageContaining("credentials")
                .hasMessageNotContaining("wrong-password")
                .satisfies(e -> assertThat(((PortException) e).isTransient()).isFalse());
    }
}
