package io.eventsource.testkit;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.FailurePolicy;
import io.eventsource.core.Listener;
import io.eventsource.core.Publication;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.eventsource.domain.AckStatus.FAIL;
import static io.eventsource.domain.AckStatus.OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What each helper of the kit promises. */
class EventsourceKitTest {
    private static final AggregateRef ORDER = AggregateRef.of("Order", "1");
    private static final Binding INVOICES = Binding.of("billing", "Order", "invoices");

    @RegisterExtension
    final EventsourceKit kit = EventsourceKit.create();

    private final List<String> handled = new CopyOnWriteArrayList<>();

    @Test
    void settleRunsTheDeliveriesThatCanRunNowWithoutMovingTheClock() {
        kit.listen("billing", "Order", "invoices", event -> handled.add(event.name().value()));
        Instant before = kit.now();

        publish("OrderPlaced");
        publish("OrderPaid");
        kit.settle();

        assertThat(handled).containsExactly("OrderPlaced", "OrderPaid");
        assertThat(kit.now()).isEqualTo(before);
    }

    @Test
    void settleWaitsForWhatOnlyTimeBringsAnEventPublishedBeforeTheServiceListened() {
        Publication published = publish("OrderPlaced");
        Instant before = kit.now();
        kit.listen("billing", "Order", "invoices", event -> handled.add(event.name().value()));

        kit.settle();

        assertThat(published).as("no live service: left to the relay").isInstanceOf(Publication.Pending.class);
        assertThat(handled).containsExactly("OrderPlaced");
        assertThat(kit.now()).isAfter(before).isBefore(before.plus(EventsourceKit.SETTLE_LIMIT));
    }

    @Test
    void settleSaysWhatIsStillInMotionWhenTheLimitRunsOut() {
        kit.listen("billing", "Order", "invoices", event -> handled.add(event.name().value()));
        kit.settle();
        kit.broker().stop();
        Publication published = publish("OrderPlaced");

        assertThatThrownBy(() -> kit.settle(Duration.ofSeconds(5)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("not settled within PT5S of virtual time: billing:Order:invoices has no ack for"
                        + " Event[Order-1#1 OrderPlaced " + published.events().get(0).id() + "]");
        kit.broker().start();
        kit.settle();
        assertThat(handled).containsExactly("OrderPlaced");
    }

    @Test
    void settleFailsOnATaskThatThrewOnTheClockAndSoDoesTheEndOfTheTest() {
        try (EventsourceKit own = EventsourceKit.create()) {
            own.clock().schedule(Duration.ofSeconds(1), () -> {
                throw new IllegalStateException("a bug in a task");
            });
            own.listen("billing", "Order", "invoices", event -> handled.add(event.name().value()));
            own.publisher().publish(ORDER, EventName.of("OrderPlaced"), Payload.json("{}"));
            own.advance(Duration.ofSeconds(2));
            own.publisher().publish(ORDER, EventName.of("OrderPaid"), Payload.json("{}"));
            own.settle();
            own.clock().schedule(Duration.ZERO, () -> {
                throw new IllegalStateException("another bug");
            });

            assertThatThrownBy(own::settle).isInstanceOf(AssertionError.class)
                    .hasMessage("a task failed on the virtual clock while settling (1 in all): "
                            + "java.lang.IllegalStateException: another bug")
                    .hasCauseInstanceOf(IllegalStateException.class);
            assertThatThrownBy(own::close).isInstanceOf(AssertionError.class)
                    .hasMessage("2 task(s) threw on the virtual clock; the first: java.lang.IllegalStateException: a bug"
                            + " in a task");
        }
        assertThat(handled).containsExactly("OrderPlaced", "OrderPaid");
    }

    @Test
    void acksOfListsTheAcksOfABindingInLogOrderOkAndFail() {
        kit.listen("billing", "Order", "invoices", event -> {
            if (event.name().value().equals("OrderCancelled")) {
                throw new IllegalStateException("cannot bill a cancellation");
            }
        });
        kit.listen("shipping", "Order", "parcels", event -> { });
        publish("OrderPlaced");
        publish("OrderCancelled");
        kit.publisher().publish(AggregateRef.of("Order", "2"), EventName.of("OrderPlaced"), Payload.json("{}"));
        kit.settle();

        List<Ack> acks = kit.acksOf(INVOICES);

        assertThat(acks).extracting(Ack::status).containsExactly(OK, FAIL, OK);
        assertThat(acks).extracting(ack -> ack.aggregate() + "#" + ack.sequence())
                .containsExactly("Order-1#1", "Order-1#2", "Order-2#1");
        assertThat(acks.get(1).attempts()).isEqualTo(FailurePolicy.seed().maxAttempts());
        assertThat(acks.get(1).lastError()).contains("cannot bill a cancellation");
        assertThat(kit.acksOf("billing", "invoices")).isEqualTo(acks);
        assertThat(kit.acksOf("shipping", "parcels")).extracting(Ack::status).containsExactly(OK, OK, OK);
        assertThat(kit.acksOf("shipping", "invoices")).isEmpty();
    }

    @Test
    void routeExistsWhileTheAggregateIsActiveAndGoesWithTheQueueExpiry() {
        kit.listen("billing", "Order", "invoices", event -> { });
        publish("OrderPlaced");
        kit.settle();

        assertThat(kit.routeExists(ORDER, "billing")).isTrue();
        assertThat(kit.routeExists(ORDER, "shipping")).isFalse();
        assertThat(kit.routeExists(AggregateRef.of("Order", "2"), "billing")).isFalse();
        ExpiryPolicy seed = ExpiryPolicy.seed();
        kit.advance(seed.consumerIdleTimeout().plus(seed.queueExpiry()).plusSeconds(1));
        assertThat(kit.routeExists(ORDER, "billing")).isFalse();
    }

    @Test
    void eachListenerIsAnotherInstanceOfItsService() {
        Listener first = kit.listener("billing");
        Listener second = kit.listener("billing");
        first.listen("Order", "invoices").onAny(event -> handled.add("first " + event.sequence()));
        second.listen("Order", "invoices").onAny(event -> handled.add("second " + event.sequence()));
        first.start();
        second.start();
        publish("OrderPlaced");
        publish("OrderPaid");
        kit.settle();

        assertThat(first).hasToString("billing#1");
        assertThat(second).hasToString("billing#2");
        assertThat(first.service()).isEqualTo(second.service());
        assertThat(handled).as("one instance at a time consumes the order")
                .isIn(List.of("first 1", "first 2"), List.of("second 1", "second 2"));
    }

    @Test
    void aCrashedInstanceRunsNothingMoreAndIsNotWaitedFor() {
        Listener billing = kit.listen("billing", "Order", "invoices", event -> handled.add(event.name().value()));
        kit.settle();
        int connections = kit.broker().connectionCount();

        kit.crash(billing);
        publish("OrderPlaced");
        kit.settle();
        kit.advance(Duration.ofMinutes(1));

        assertThat(handled).isEmpty();
        assertThat(kit.acksOf(INVOICES)).isEmpty();
        assertThat(kit.broker().connectionCount()).isEqualTo(connections - 1);
        assertThatThrownBy(() -> kit.crash(billing)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("billing#1 has crashed: nothing runs in it any more");
        assertThatThrownBy(billing::stop).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesToCrashAListenerItDidNotMake() {
        Listener producers = kit.eventsource().listener(ServiceName.of("billing"));

        assertThatThrownBy(() -> kit.crash(producers)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("is not an instance of this kit in this test; crash the instances made by"
                        + " EventsourceKit.listener or EventsourceKit.listen");
    }

    @Test
    void aStoppedInstanceIsNotWaitedFor() {
        Listener billing = kit.listen("billing", "Order", "invoices", event -> handled.add(event.name().value()));
        kit.settle();

        CompletionStage<Void> stopped = billing.stop();
        publish("OrderPlaced");
        kit.settle();

        assertThat(stopped.toCompletableFuture()).isDone();
        assertThat(handled).isEmpty();
    }

    @Test
    void aBindingParkedOnAnAggregateIsNotWaitedForThere() {
        try (EventsourceKit parking = EventsourceKit.create(ExpiryPolicy.seed(), EventsourceOptions.defaults()
                .withPublishDeadline(Duration.ZERO).withFailurePolicy(FailurePolicy.park().withMaxAttempts(1)))) {
            parking.listen("billing", "Order", "invoices", event -> {
                handled.add(event.aggregate() + " " + event.name());
                if (event.aggregate().equals(ORDER) && event.sequence() == 1) {
                    throw new IllegalStateException("billing is down");
                }
            });
            for (String name : List.of("OrderPlaced", "OrderPaid")) {
                parking.publisher().publish(ORDER, EventName.of(name), Payload.json("{}"));
            }
            parking.publisher().publish(AggregateRef.of("Order", "2"), EventName.of("OrderPlaced"), Payload.json("{}"));

            parking.settle();

            assertThat(handled).containsExactlyInAnyOrder("Order-1 OrderPlaced", "Order-2 OrderPlaced");
            assertThat(parking.acksOf(INVOICES)).extracting(Ack::status).containsExactly(FAIL, OK);
        }
    }

    @Test
    void outsideJUnitTheSystemIsMadeAtFirstUseAndEndedByClose() {
        EventsourceKit own = EventsourceKit.create();
        own.publisher().publish(ORDER, EventName.of("OrderPlaced"), Payload.json("{}"));
        assertThat(own.eventLog().version(ORDER)).isEqualTo(1);

        own.close();

        assertThat(own.eventLog().version(ORDER)).as("a new system").isZero();
        own.close();
    }

    private Publication publish(String name) {
        return kit.publisher().publish(ORDER, EventName.of(name), Payload.json("{}"));
    }
}
