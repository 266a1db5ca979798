package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Payload;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What a consumer knows of its aggregate's acks follows its own durable acks as the store would. */
class KnownAcksTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final Binding PROJECTIONS = Binding.of("ads", "Product", "projections");
    private static final Binding SEARCH = Binding.of("ads", "Product", "search");
    private static final List<Binding> BOTH = List.of(PROJECTIONS, SEARCH);

    private final KnownAcks known = new KnownAcks();

    @Test
    void anAckOfABindingWhosePositionItDoesNotKnowLeavesItUnknown() {
        known.recorded(Ack.ok(event(3), PROJECTIONS, 1, T0));

        assertThat(known.unknownPositions(BOTH)).containsExactly(PROJECTIONS, SEARCH);
        assertThat(known.knowsAll(BOTH, false)).isFalse();
    }

    @Test
    void aLaterAckMovesThePositionAndSaysWhetherItParks() {
        known.positions(Map.of(PROJECTIONS, 2L, SEARCH, 0L));
        assertThat(known.knowsAll(BOTH, false)).isTrue();
        assertThat(known.knowsAll(BOTH, true)).as("parking not read yet").isFalse();
        assertThat(known.unknownParking(BOTH)).containsExactly(PROJECTIONS, SEARCH);

        known.recorded(Ack.fail(event(3), PROJECTIONS, 1, "boom", T0));
        known.recorded(Ack.ok(event(1), SEARCH, 1, T0));

        assertThat(known.handledUpTo(PROJECTIONS)).isEqualTo(3);
        assertThat(known.lastFailed(PROJECTIONS)).isTrue();
        assertThat(known.handledUpTo(SEARCH)).isEqualTo(1);
        assertThat(known.lastFailed(SEARCH)).isFalse();
        assertThat(known.knowsAll(BOTH, true)).isTrue();
        assertThat(known.someHandled(BOTH, 3)).isTrue();
        assertThat(known.someHandled(BOTH, 4)).isFalse();
    }

    @Test
    void anOkAtThePositionUnparksAndAFailAfterItDoesNotPark() {
        known.positions(Map.of(PROJECTIONS, 3L));
        known.lastFailed(PROJECTIONS, true);

        known.recorded(Ack.ok(event(3), PROJECTIONS, 1, T0));
        assertThat(known.lastFailed(PROJECTIONS)).as("the replay succeeded").isFalse();

        known.recorded(Ack.fail(event(3), PROJECTIONS, 1, "late failure", T0));
        assertThat(known.lastFailed(PROJECTIONS)).as("an ok is final").isFalse();

        known.recorded(Ack.fail(event(2), PROJECTIONS, 1, "an earlier event", T0));
        assertThat(known.handledUpTo(PROJECTIONS)).as("a position never moves back").isEqualTo(3);
        assertThat(known.lastFailed(PROJECTIONS)).isFalse();
    }

    @Test
    void acksReadAheadFollowTheConsumersOwnAcksAndAreTakenOnce() {
        Event duplicate = event(2);
        known.positions(Map.of(PROJECTIONS, 2L, SEARCH, 2L));
        Ack projectionsOk = Ack.ok(duplicate, PROJECTIONS, 1, T0);
        known.read(Set.of(duplicate.id()), Map.of(AckKey.of(duplicate.id(), PROJECTIONS), projectionsOk));

        known.recorded(Ack.ok(duplicate, SEARCH, 1, T0));

        assertThat(known.hasRead(duplicate.id())).isTrue();
        Map<Binding, Ack> taken = known.take(duplicate.id());
        assertThat(taken).containsOnlyKeys(PROJECTIONS, SEARCH);
        assertThat(taken.get(SEARCH).status()).isEqualTo(AckStatus.OK);
        assertThat(known.hasRead(duplicate.id())).as("a later copy reads again").isFalse();
        assertThat(known.take(duplicate.id())).isEmpty();
    }

    private static Event event(long sequence) {
        return new Event(EventId.of("e" + sequence), P1, sequence, EventName.of("Changed"), Payload.text("x"),
                Map.of(), T0);
    }
}
