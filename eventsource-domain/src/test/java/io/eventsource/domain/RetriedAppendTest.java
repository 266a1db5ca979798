package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetriedAppendTest {
    private static final AggregateRef PRODUCT = AggregateRef.of("Product", "42");
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static NewEvent event(String id) {
        return new NewEvent(EventId.of(id), EventName.of("Renamed"), Payload.json("{\"name\":\"" + id + "\"}"),
                Map.of("by", "test"), T0);
    }

    /** The events as the log stores them, from {@code firstSequence} on. */
    private static List<Event> stored(long firstSequence, NewEvent... events) {
        List<Event> stored = new ArrayList<>();
        for (NewEvent event : events) {
            stored.add(event.at(PRODUCT, firstSequence + stored.size()));
        }
        return stored;
    }

    @Test
    void anAppendWhoseIdsTheLogDoesNotHoldIsNew() {
        assertThat(RetriedAppend.recognise(PRODUCT, ExpectedVersion.exactly(3), List.of(event("a")), List.of()))
                .isEmpty();
    }

    @Test
    void anAppendSentAgainIsAnsweredWithWhatItsFirstTryWrote() {
        NewEvent a = event("a");
        NewEvent b = event("b");
        List<Event> logged = stored(4, a, b);

        assertThat(RetriedAppend.recognise(PRODUCT, ExpectedVersion.exactly(3), List.of(a, b), logged)).contains(logged);
        assertThat(RetriedAppend.recognise(PRODUCT, ExpectedVersion.ANY, List.of(a, b), List.of(logged.get(1),
                logged.get(0)))).as("in the append's order, whatever order the log reads them in").contains(logged);
        assertThat(RetriedAppend.recognise(PRODUCT, ExpectedVersion.exactly(4), List.of(b), logged))
                .as("a part of a written append, in its place").contains(List.of(logged.get(1)));
    }

    @Test
    void anIdStoredForOtherContentIsRefusedNamingWhatDiffers() {
        NewEvent a = event("a");
        NewEvent other = new NewEvent(a.id(), EventName.of("Deleted"), Payload.json("{}"), Map.of(), T0.plusSeconds(1));

        assertThatThrownBy(() -> RetriedAppend.recognise(PRODUCT, ExpectedVersion.ANY, List.of(other), stored(1, a)))
                .isInstanceOfSatisfying(DuplicateEventIdException.class, refused -> {
                    assertThat(refused.eventIds()).containsExactly(a.id());
                    assertThat(refused.aggregate()).isEqualTo(PRODUCT);
                })
                .hasMessage("append to Product-42 refused: event id a is already in the log as Product-42#1 with other"
                        + " content (name Renamed, not Deleted, payload of 12 bytes, not 2, other metadata, occurred at"
                        + " 2030-01-01T00:00:00Z, not 2030-01-01T00:00:01Z); an event id names one event: give another"
                        + " event another id (EventId.random()); nothing was written");
        NewEvent sameBytesOtherAggregate = event("a");
        List<Event> ofOrder = List.of(sameBytesOtherAggregate.at(AggregateRef.of("Order", "7"), 1));
        assertThatThrownBy(() -> RetriedAppend.recognise(PRODUCT, ExpectedVersion.ANY, List.of(a), ofOrder))
                .isInstanceOf(DuplicateEventIdException.class)
                .hasMessageContaining("as Order-7#1 with other content (aggregate Order-7, not Product-42)");
    }

    @Test
    void storedEventsSentWithNewOnesAreRefusedWhole() {
        NewEvent a = event("a");
        NewEvent b = event("b");
        NewEvent c = event("c");

        assertThatThrownBy(() -> RetriedAppend.recognise(PRODUCT, ExpectedVersion.exactly(0), List.of(a, b, c),
                stored(1, a, b)))
                .isInstanceOfSatisfying(DuplicateEventIdException.class, refused ->
                        assertThat(refused.eventIds()).containsExactly(a.id(), b.id()))
                .hasMessage("append to Product-42 refused: events a, b are already in the log (Product-42#1,"
                        + " Product-42#2) but c is not; an append is written whole or not at all, so this is no retry"
                        + " of a written append: append the events that are not in the log on their own; nothing was"
                        + " written");
    }

    @Test
    void storedEventsExpectedElsewhereAreRefused() {
        NewEvent a = event("a");
        NewEvent b = event("b");
        List<Event> logged = stored(1, a, b);

        assertThatThrownBy(() -> RetriedAppend.recognise(PRODUCT, ExpectedVersion.exactly(2), List.of(a, b), logged))
                .isInstanceOf(DuplicateEventIdException.class)
                .hasMessage("append to Product-42 refused: events a, b are already in the log (Product-42#1,"
                        + " Product-42#2), not where this append would put them (in order, after version 2); a retry"
                        + " expects what its first try expected, or any version; nothing was written");
        assertThatThrownBy(() -> RetriedAppend.recognise(PRODUCT, ExpectedVersion.ANY, List.of(b, a), logged))
                .as("out of order").isInstanceOf(DuplicateEventIdException.class);
    }

    @Test
    void refusesAnIdGivenTwiceInOneAppend() {
        assertThatThrownBy(() -> RetriedAppend.requireDistinctIds(PRODUCT, List.of(event("a"), event("b"), event("a"))))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("append to Product-42 refused: event id a is given twice; the events of an append need"
                        + " distinct ids");
    }
}
