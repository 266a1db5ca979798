package io.eventsource.examples;

import io.eventsource.core.Listener;
import io.eventsource.core.Publication;
import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.DuplicateEventIdException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.domain.PayloadTooLargeException;
import io.eventsource.domain.ServiceName;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Publishing the same events again, reusing an id, and the payload limit, through {@link Publisher} on the real
 * services (MariaDB/MySQL, RabbitMQ, Redis) with their default settings, in a namespace of its own.
 */
class RetriedPublishIT {
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static RealStack stack;
    private static Publisher publisher;
    private static final List<Event> handled = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
        stack = RealStack.fresh(RealSettings.fromEnvironment(), "retry");
        Listener ads = stack.eventsource().listener(ADS);
        ads.listen("Product", "projections").onAny(handled::add);
        ads.start();
        publisher = stack.eventsource().publisher();
        assertThat(stack.awaitUntil(() -> stack.registry().liveServices(AggregateType.of("Product"), Instant.now())
                .contains(ADS), DEADLINE)).as("ads live, so that publishes are sent, not left to the relay").isTrue();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            RealSettings settings = stack.settings();
            stack.close();
            NamespaceCleanup.drop(settings, List.of(Binding.of("ads", "Product", "projections")));
        }
    }

    private static AggregateRef freshProduct() {
        return AggregateRef.of("Product", UUID.randomUUID().toString().substring(0, 8));
    }

    private static NewEvent event(String name, Payload payload) {
        return new NewEvent(EventId.random(), EventName.of(name), payload, Map.of("correlation", "c-1"), Instant.now());
    }

    private static List<Event> handledOf(AggregateRef product) {
        return handled.stream().filter(event -> event.aggregate().equals(product)).toList();
    }

    @Test
    void aPublishSentAgainReturnsTheStoredEventsWhichAreHandledOnce() {
        AggregateRef product = freshProduct();
        List<NewEvent> renamedAndRestocked = List.of(event("Renamed", Payload.json("{\"name\":\"Lamp\"}")),
                event("Restocked", Payload.json("{\"stock\":5}")));

        Publication first = publisher.publish(product, ExpectedVersion.NONE, renamedAndRestocked);
        publisher.publish(product, ExpectedVersion.exactly(2), List.of(event("Discontinued", Payload.json("{}"))));
        Publication again = publisher.publish(product, ExpectedVersion.NONE, renamedAndRestocked);
        Publication alone = publisher.publish(product, renamedAndRestocked.get(0));

        assertThat(again.events()).isEqualTo(first.events());
        assertThat(again.isSent()).isTrue();
        assertThat(alone.events()).containsExactly(first.events().get(0));
        assertThat(stack.eventLog().version(product)).isEqualTo(3);
        assertThat(stack.awaitUntil(() -> handledOf(product).size() >= 3, DEADLINE)).isTrue();
        assertThat(handledOf(product)).extracting(Event::sequence).containsExactly(1L, 2L, 3L);
    }

    @Test
    void anIdUsedAgainForOtherContentOrWithNewEventsIsRefusedAndWritesNothing() {
        AggregateRef product = freshProduct();
        NewEvent renamed = event("Renamed", Payload.json("{\"name\":\"Lamp\"}"));
        publisher.publish(product, renamed);
        NewEvent otherContent = new NewEvent(renamed.id(), renamed.name(), Payload.json("{\"name\":\"Desk\"}"),
                renamed.metadata(), renamed.occurredAt());

        assertThatThrownBy(() -> publisher.publish(product, otherContent))
                .isInstanceOf(DuplicateEventIdException.class)
                .hasMessageContaining("event id " + renamed.id() + " is already in the log as " + product + "#1 with"
                        + " other content (other payload bytes)");
        assertThatThrownBy(() -> publisher.publish(product, ExpectedVersion.ANY,
                List.of(renamed, event("Restocked", Payload.json("{}")))))
                .isInstanceOf(DuplicateEventIdException.class)
                .hasMessageContainingAll("already in the log", "is not");
        assertThat(stack.eventLog().version(product)).isEqualTo(1);
    }

    @Test
    void aPayloadOfTheLimitIsPublishedAndHandledAndOneByteMoreIsRefusedBeforeAnythingIsWritten() {
        AggregateRef product = freshProduct();
        NewEvent atLimit = event("Attached", new Payload(new byte[PayloadLimit.DEFAULT_BYTES], "application/pdf"));
        NewEvent overLimit = event("Attached", new Payload(new byte[PayloadLimit.DEFAULT_BYTES + 1], "application/pdf"));

        assertThatThrownBy(() -> publisher.publish(product, overLimit))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining("is 1048577 bytes, over the limit of 1048576 bytes (EventsourceOptions.payloadLimit");
        assertThat(stack.eventLog().version(product)).isZero();

        assertThat(publisher.publish(product, atLimit).isSent()).isTrue();
        assertThat(stack.awaitUntil(() -> handledOf(product).size() == 1, DEADLINE))
                .as("1 MiB through RabbitMQ with the default inbound limit").isTrue();
        assertThat(handledOf(product).get(0).payload()).isEqualTo(atLimit.payload());
    }
}
