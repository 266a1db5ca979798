package io.eventsource.domain;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetriedAppendProperties {
    private static final AggregateRef PRODUCT = AggregateRef.of("Product", "42");
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static List<NewEvent> batch(int size) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            events.add(new NewEvent(EventId.random(), EventName.of("Happened" + i), Payload.json("{\"i\":" + i + "}"),
                    Map.of(), T0.plusMillis(i)));
        }
        return events;
    }

    private static List<Event> written(List<NewEvent> events, long version) {
        List<Event> stored = new ArrayList<>();
        for (NewEvent event : events) {
            stored.add(event.at(PRODUCT, version + 1 + stored.size()));
        }
        return stored;
    }

    @Property
    void aWrittenAppendSentAgainIsAnsweredWithWhatWasWritten(@ForAll @IntRange(min = 1, max = 6) int size,
                                                            @ForAll @LongRange(min = 0, max = 1_000) long version,
                                                            @ForAll boolean anyVersion) {
        List<NewEvent> events = batch(size);
        List<Event> stored = written(events, version);
        ExpectedVersion expected = anyVersion ? ExpectedVersion.ANY : ExpectedVersion.exactly(version);

        assertThat(RetriedAppend.recognise(PRODUCT, expected, events, stored)).contains(stored);
    }

    @Property
    void anAppendThatChangesAStoredEventIsRefused(@ForAll @IntRange(min = 1, max = 6) int size,
                                                 @ForAll @IntRange(min = 0, max = 5) int changedIndex,
                                                 @ForAll("changes") int change) {
        List<NewEvent> events = batch(size);
        List<Event> stored = written(events, 0);
        int index = changedIndex % size;
        List<NewEvent> sentAgain = new ArrayList<>(events);
        NewEvent was = events.get(index);
        sentAgain.set(index, new NewEvent(was.id(),
                change == 0 ? EventName.of("Other") : was.name(),
                change == 1 ? Payload.text(was.payload().asText()) : change == 2 ? Payload.json("[]") : was.payload(),
                change == 3 ? Map.of("k", "v") : was.metadata(),
                change == 4 ? was.occurredAt().plusNanos(1) : was.occurredAt()));

        assertThatThrownBy(() -> RetriedAppend.recognise(PRODUCT, ExpectedVersion.ANY, sentAgain, stored))
                .isInstanceOf(DuplicateEventIdException.class)
                .hasMessageContaining("event id " + was.id() + " is already in the log as Product-42#" + (index + 1)
                        + " with other content");
    }

    @Provide
    Arbitrary<Integer> changes() {
        return Arbitraries.integers().between(0, 4);
    }

    @Property
    void storedEventsSentWithNewOnesAreRefusedAndNamed(@ForAll @IntRange(min = 1, max = 5) int storedCount,
                                                      @ForAll @IntRange(min = 1, max = 3) int newCount,
                                                      @ForAll boolean newFirst) {
        List<NewEvent> old = batch(storedCount);
        List<NewEvent> fresh = batch(newCount);
        List<NewEvent> mixed = new ArrayList<>(newFirst ? fresh : old);
        mixed.addAll(newFirst ? old : fresh);

        assertThatThrownBy(() -> RetriedAppend.recognise(PRODUCT, ExpectedVersion.ANY, mixed, written(old, 0)))
                .isInstanceOfSatisfying(DuplicateEventIdException.class, refused ->
                        assertThat(refused.eventIds()).containsExactlyElementsOf(old.stream().map(NewEvent::id).toList()));
    }
}
