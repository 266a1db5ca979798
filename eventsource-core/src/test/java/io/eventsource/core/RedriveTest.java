package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.PublishResult;
import io.eventsource.tck.ForwardingMessageBus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweeper's re-drive of a missing event leaves alone an aggregate whose consumer here holds a message of it from
 * the missing event on, not started yet: the event is late behind a backlog, not lost.
 */
class RedriveTest {
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final ServiceName ADS = ServiceName.of("ads");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    /** The sequences of the events the re-drive published, per publish. */
    private final List<List<Long>> published = new CopyOnWriteArrayList<>();
    private final ForwardingMessageBus bus = new ForwardingMessageBus(ports.broker().connect()) {
        @Override
        public PublishResult publish(AggregateRef aggregate, List<Event> events) {
            published.add(events.stream().map(Event::sequence).toList());
            return super.publish(aggregate, events);
        }
    };

    @Test
    void redrivesTheFirstMissingAndTheLatestEventWhenTheConsumerHereHoldsNothingOfThem() {
        List<LoggedEvent> events = appendThree();
        Redrive redrive = new Redrive(ADS, bus, ports.eventLog(), ports.ackStore(), queues(false));

        assertThat(redrive.missing(P1, events.get(0).event())).isTrue();

        assertThat(published).containsExactly(List.of(1L, 3L));
    }

    @Test
    void leavesAloneAnAggregateWhoseConsumerHereHoldsAMessageFromTheMissingEventOn() {
        List<LoggedEvent> events = appendThree();
        Redrive redrive = new Redrive(ADS, bus, ports.eventLog(), ports.ackStore(), queues(true));

        assertThat(redrive.missing(P1, events.get(1).event())).as("#3 waits in the lane: it fills the gap up to #2")
                .isFalse();
        assertThat(redrive.missing(P1, events.get(2).event())).as("#3 itself waits in the lane").isFalse();
        assertThat(published).isEmpty();
    }

    @Test
    void anAggregateConsumerHoldsTheMessagesItHasNotStartedUntilItEnds() {
        AggregateConsumer consumer = new AggregateConsumer(P1, "ads/" + P1, null, clock, () -> false,
                (ended, reason) -> { });
        // the clock does not move: the first delivery's turn of the scheduler never comes, and nothing starts
        consumer.onDelivery(delivery(3));
        consumer.onDelivery(delivery(4));

        assertThat(consumer.holdsFrom(1)).isTrue();
        assertThat(consumer.holdsFrom(4)).isTrue();
        assertThat(consumer.holdsFrom(5)).isFalse();

        consumer.cancel();
        assertThat(consumer.holdsFrom(3)).as("an ended consumer's messages go back to the queue").isFalse();
    }

    /** The listener's consumers as the re-drive sees them; {@code holdsThird}: #3 of P1 waits in its lane. */
    private Redrive.Queues queues(boolean holdsThird) {
        return new Redrive.Queues() {
            @Override
            public boolean consume(AggregateRef aggregate) {
                return true;
            }

            @Override
            public boolean isRetrying(AggregateRef aggregate) {
                return false;
            }

            @Override
            public boolean holdsFrom(AggregateRef aggregate, long sequence) {
                return holdsThird && sequence <= 3;
            }
        };
    }

    private List<LoggedEvent> appendThree() {
        List<NewEvent> events = List.of(event(1), event(2), event(3));
        return ports.eventLog().append(P1, ExpectedVersion.ANY, events);
    }

    private NewEvent event(int n) {
        return new NewEvent(EventId.of("e-" + n), EventName.of("Renamed"), Payload.text("x" + n), Map.of(),
                clock.instant());
    }

    private Delivery delivery(long sequence) {
        Event event = new Event(EventId.of("e-" + sequence), P1, sequence, EventName.of("Renamed"),
                Payload.text("x"), Map.of(), clock.instant());
        return new Delivery() {
            @Override
            public Event event() {
                return event;
            }

            @Override
            public boolean redelivered() {
                return false;
            }

            @Override
            public void ack() {
            }

            @Override
            public void requeue() {
            }

            @Override
            public void reject() {
            }
        };
    }
}
