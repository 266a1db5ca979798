package io.eventsource.tck;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.PermanentPortException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.eventsource.tck.AckStoreRecording.recordFully;
import static io.eventsource.tck.AckStoreRecording.tryToRecord;
import static io.eventsource.tck.Fixtures.T0;
import static io.eventsource.tck.Fixtures.freshAggregate;
import static io.eventsource.tck.Fixtures.freshService;
import static io.eventsource.tck.Fixtures.freshType;
import static io.eventsource.tck.Fixtures.newEvent;
import static io.eventsource.tck.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How an {@link AckStore} fails, beyond {@link AckStoreContract}: a {@link AckStore#record} that fails leaves none of
 * its acks ok that was not ok before, and its failure is permanent when retrying cannot help; an ack's time is kept,
 * and ordered, to the nanosecond. Connection loss needs a store behind a network:
 * {@link AckStoreConnectionFailuresContract}.
 *
 * <p>An adapter's test extends it and supplies a store, as for {@link AckStoreContract}. Every test uses fresh
 * services, aggregates and event ids, so a store shared with other tests works.
 */
public abstract class AckStoreFailuresContract {
    private AckStore store;
    private Binding binding;
    private AggregateRef aggregate;

    /** The store under test, for one test; closed after it. */
    protected abstract AckStore newAckStore();

    @BeforeEach
    final void openStore() {
        store = newAckStore();
        aggregate = freshAggregate(freshType());
        binding = new Binding(freshService(), aggregate.type(), Projection.of("projections"));
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }

    /** The store under test. */
    protected final AckStore store() {
        return store;
    }

    private Event event(long sequence) {
        return newEvent("Happened", T0).at(aggregate, sequence);
    }

    private Ack stored(Event event) {
        AckKey key = AckKey.of(event.id(), binding);
        return store.find(List.of(key)).get(key);
    }

    @Test
    void aRecordThatFailsOnAnAckItCannotHoldLeavesNoneOfItsAcksOk() {
        Event wasFail = event(1);
        Event wasOk = event(2);
        Event fresh = event(3);
        Event unholdable = event(4);
        Event after = event(5);
        Ack fail = Ack.fail(wasFail, binding, 1, "handler threw", T0);
        Ack ok = Ack.ok(wasOk, binding, 1, T0);
        recordFully(store, List.of(fail, ok));
        // the ack the store may not hold sits in the middle, so that a store writing one ack at a time has written
        // some before it meets it
        List<Ack> call = List.of(Ack.ok(wasFail, binding, 1, T0.plusSeconds(1)), Ack.ok(fresh, binding, 1, T0),
                Ack.ok(unholdable, binding, 1, Instant.MAX), Ack.ok(after, binding, 1, T0),
                Ack.fail(wasOk, binding, 1, "late", T0.plusSeconds(1)));

        Throwable failure = tryToRecord(store, call);

        if (failure == null) {
            // the store holds every instant: all of them are recorded, exactly
            assertThat(stored(unholdable)).as("stored, so as it was given").isEqualTo(call.get(2));
            assertThat(List.of(stored(wasFail), stored(fresh), stored(after), stored(wasOk)))
                    .extracting(Ack::status).containsOnly(AckStatus.OK);
            return;
        }
        assertThat(failure).as("a value the store cannot hold: retrying cannot help")
                .isInstanceOfAny(InvalidValueException.class, PermanentPortException.class);
        assertThat(stored(wasFail)).as("a fail stays as it was").isEqualTo(fail);
        assertThat(stored(fresh)).as("no new ack").isNull();
        assertThat(stored(unholdable)).as("no new ack").isNull();
        assertThat(stored(after)).as("no new ack").isNull();
        assertThat(stored(wasOk)).as("an ok stays as it was").isEqualTo(ok);
        assertThat(store.acknowledged(binding.service(), binding.projection(), List.of(fresh.id(), after.id())))
                .isEmpty();
        assertThat(store.lastSequence(binding.service(), binding.projection(), aggregate)).isEqualTo(2);
    }

    @Test
    void aFailedRecordLeavesTheStoreWorkingForTheNextOne() {
        Event unholdable = event(1);
        Event next = event(2);
        tryToRecord(store, List.of(Ack.ok(unholdable, binding, 1, Instant.MIN)));

        Ack ok = Ack.ok(next, binding, 1, T0);
        recordFully(store, List.of(ok));

        assertThat(stored(next)).isEqualTo(ok);
    }

    @Test
    void keepsAnAcksTimeToTheNanosecond() {
        Event okEvent = event(1);
        Event failedEvent = event(2);
        Ack ok = Ack.ok(okEvent, binding, 1, T0.plusNanos(123_456_789));
        Ack fail = Ack.fail(failedEvent, binding, 1, "x", Instant.parse("1969-12-31T23:59:59.999999999Z"));

        recordFully(store, List.of(ok, fail));

        assertThat(stored(okEvent)).isEqualTo(ok);
        assertThat(stored(failedEvent)).isEqualTo(fail);
        assertThat(store.failures(binding.service(), binding.projection(), 10)).containsExactly(fail);
    }

    @Test
    void listsFailuresInTheOrderOfTheirTimesToTheNanosecond() {
        // the ids sort against the times, and are recorded in the ids' order: a store that rounds the times to
        // milliseconds (or micro) and breaks ties by id or by insertion lists them the wrong way round
        String suffix = unique();
        List<Event> events = List.of(eventWithId("a" + suffix, 1), eventWithId("b" + suffix, 2),
                eventWithId("c" + suffix, 3));
        Instant at = T0.plusNanos(100);
        recordFully(store, List.of(Ack.fail(events.get(0), binding, 1, "x", at.plusNanos(3))));
        recordFully(store, List.of(Ack.fail(events.get(1), binding, 1, "x", at.plusNanos(2))));
        recordFully(store, List.of(Ack.fail(events.get(2), binding, 1, "x", at.plusNanos(1))));

        assertThat(store.failures(binding.service(), binding.projection(), 10)).extracting(ack -> ack.key().eventId())
                .containsExactly(events.get(2).id(), events.get(1).id(), events.get(0).id());
    }

    private Event eventWithId(String id, long sequence) {
        return new NewEvent(EventId.of(id), EventName.of("Happened"), Payload.json("{}"), Map.of(), T0)
                .at(aggregate, sequence);
    }
}
