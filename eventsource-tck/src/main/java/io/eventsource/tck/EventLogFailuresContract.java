package io.eventsource.tck;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.DuplicateEventIdException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.domain.PayloadTooLargeException;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.SequenceRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.eventsource.tck.Fixtures.T0;
import static io.eventsource.tck.Fixtures.freshAggregate;
import static io.eventsource.tck.Fixtures.freshType;
import static io.eventsource.tck.Fixtures.newEvent;
import static io.eventsource.tck.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * How an {@link EventLog} fails, beyond {@link EventLogContract}: what it refuses, with which exception, and that a
 * refusal writes nothing.
 * <ul>
 *   <li><b>Duplicate event ids</b>: an id reused for other content is a {@link DuplicateEventIdException} also when
 *       the store's unique key, not a look-up, is what finds it (appenders racing), and stays one on every retry:
 *       never a transient failure, which a caller would retry for ever;</li>
 *   <li><b>the payload limit</b>: counted in bytes, per event, refused alone in a batch, and a payload at the limit
 *       kept byte for byte;</li>
 *   <li><b>timestamps</b>: {@code occurredAt} and {@code publishedAt} kept to the nanosecond and compared to the
 *       nanosecond, so that a retried append of events with sub-millisecond times is recognised;</li>
 *   <li><b>values the store cannot hold</b>: stored exactly, or refused with an {@link InvalidValueException} (the
 *       adapter checked) or a {@link PermanentPortException} (the store refused it), writing nothing; never a
 *       transient failure, never a changed value, and the log works on.</li>
 * </ul>
 * Connection loss needs a store behind a network: {@link EventLogConnectionFailuresContract}.
 *
 * <p>An adapter's test extends it as it extends {@link EventLogContract}, usually with the same few lines:
 * <pre>{@code
 * class MyEventLogFailuresIT extends EventLogFailuresContract {
 *     protected EventLog newEventLog() { return new MyEventLog(settings); }
 * }
 * }</pre>
 * Every test uses fresh aggregate types and ids, except that {@link EventLog#unpublished} sees the whole log.
 */
public abstract class EventLogFailuresContract {
    private EventLog log;

    /** The log under test, for one test; closed after it. */
    protected abstract EventLog newEventLog();

    /**
     * The payload limit that {@link #newEventLog()} configures: {@link PayloadLimit#DEFAULT} unless overridden. The
     * suite appends payloads at this size and over it.
     */
    protected PayloadLimit payloadLimit() {
        return PayloadLimit.DEFAULT;
    }

    @BeforeEach
    final void openLog() {
        log = newEventLog();
    }

    @AfterEach
    final void closeLog() {
        log.close();
    }

    /** The log under test. */
    protected final EventLog log() {
        return log;
    }

    // ---- duplicate event ids ----------------------------------------------------------------------------------

    @Test
    void ofAppendersRacingToUseOneEventIdForOtherContentOneWinsAndTheOthersAreRefusedAsDuplicates() throws Exception {
        int appenders = 4;
        for (int round = 0; round < 3; round++) {
            EventId contested = EventId.of("race-" + unique());
            AggregateType type = freshType();
            List<AggregateRef> aggregates = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                aggregates.add(freshAggregate(type));
            }
            ExecutorService pool = Executors.newFixedThreadPool(appenders);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Object>> outcomes = new ArrayList<>();
                for (int a = 0; a < appenders; a++) {
                    AggregateRef aggregate = aggregates.get(a);
                    NewEvent event = new NewEvent(contested, EventName.of("Claimed"),
                            Payload.json("{\"by\":" + a + "}"), Map.of(), T0);
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        try {
                            return log.append(aggregate, ExpectedVersion.NONE, List.of(event));
                        } catch (RuntimeException refused) {
                            return refused;
                        }
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<Object> outcome : outcomes) {
                    Object result = outcome.get(60, TimeUnit.SECONDS);
                    if (result instanceof RuntimeException refused) {
                        assertThat(refused).as("round %d: the refusal of a reused id", round)
                                .isInstanceOfSatisfying(DuplicateEventIdException.class, duplicate ->
                                        assertThat(duplicate.eventIds()).containsExactly(contested));
                    } else {
                        won++;
                    }
                }
                assertThat(won).as("round %d: appends that won the id", round).isEqualTo(1);
                long stored = 0;
                for (AggregateRef aggregate : aggregates) {
                    stored += log.version(aggregate);
                }
                assertThat(stored).as("round %d: events stored under the id", round).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aReusedEventIdIsRefusedAgainOnEveryRetryAndNeverAsATransientFailure() {
        AggregateRef aggregate = freshAggregate(freshType());
        NewEvent original = newEvent("Created", T0);
        log.append(aggregate, ExpectedVersion.NONE, List.of(original));
        AggregateRef other = freshAggregate(aggregate.type());
        NewEvent reused = new NewEvent(original.id(), EventName.of("Other"), Payload.json("{\"other\":true}"), Map.of(), T0);

        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThatThrownBy(() -> log.append(other, ExpectedVersion.NONE, List.of(reused)))
                    .as("attempt %d", attempt)
                    .isInstanceOf(DuplicateEventIdException.class);
            assertThat(log.appendAll(List.of(new Append(other, ExpectedVersion.ANY, List.of(reused)))))
                    .as("attempt %d in a batch", attempt)
                    .singleElement().isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                            assertThat(refused.reason()).isInstanceOf(DuplicateEventIdException.class));
        }
        assertThat(log.version(other)).isZero();
        assertThat(log.read(aggregate, 1, 1)).containsExactly(original.at(aggregate, 1));
    }

    @Test
    void twoAppendsOfOneBatchThatShareAnEventIdWriteTheFirstAndRefuseTheSecondAsADuplicate() {
        AggregateRef first = freshAggregate(freshType());
        AggregateRef second = freshAggregate(first.type());
        NewEvent event = newEvent("Created", T0);
        NewEvent sameIdOtherContent = new NewEvent(event.id(), EventName.of("Other"), event.payload(), Map.of(), T0);

        List<AppendOutcome> outcomes = log.appendAll(List.of(new Append(first, ExpectedVersion.NONE, List.of(event)),
                new Append(second, ExpectedVersion.NONE, List.of(sameIdOtherContent))));

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(0)).isInstanceOf(AppendOutcome.Appended.class);
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                assertThat(refused.reason()).isInstanceOf(DuplicateEventIdException.class));
        assertThat(log.read(first, 1, 1)).containsExactly(event.at(first, 1));
        assertThat(log.version(second)).isZero();
    }

    // ---- the payload limit ------------------------------------------------------------------------------------

    @Test
    void keepsAPayloadAtTheLimitOfEveryByteValueByteForByte() {
        AggregateRef aggregate = freshAggregate(freshType());
        byte[] bytes = new byte[payloadLimit().bytes()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + i / 256);
        }
        NewEvent atLimit = new NewEvent(EventId.random(), EventName.of("Attached"),
                new Payload(bytes, "application/octet-stream"), Map.of(), T0);

        List<LoggedEvent> logged = log.append(aggregate, ExpectedVersion.NONE, List.of(atLimit));

        assertThat(logged.get(0).event().payload()).isEqualTo(atLimit.payload());
        assertThat(log.read(aggregate, 1, 1)).singleElement()
                .satisfies(event -> assertThat(event.payload().bytes()).isEqualTo(bytes));
    }

    @Test
    void countsThePayloadLimitInBytesNotCharacters() {
        AggregateRef aggregate = freshAggregate(freshType());
        int limit = payloadLimit().bytes();
        // two bytes per character in UTF-8: fewer characters than the limit, more bytes
        NewEvent overInBytes = new NewEvent(EventId.random(), EventName.of("Noted"),
                Payload.text("\u00e9".repeat(limit / 2 + 1)), Map.of(), T0);

        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.NONE, List.of(overInBytes)))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, refused -> {
                    assertThat(refused.size()).isEqualTo(overInBytes.payload().size());
                    assertThat(refused.limit()).isEqualTo(limit);
                });
        assertThat(log.version(aggregate)).isZero();
    }

    @Test
    void theLimitIsPerEventSoAnAppendOfSeveralEventsAtTheLimitIsWhole() {
        AggregateRef aggregate = freshAggregate(freshType());
        int limit = payloadLimit().bytes();
        List<NewEvent> events = List.of(
                new NewEvent(EventId.random(), EventName.of("Attached"), new Payload(new byte[limit], "application/pdf"),
                        Map.of(), T0),
                new NewEvent(EventId.random(), EventName.of("Attached"), new Payload(new byte[limit], "application/pdf"),
                        Map.of(), T0));

        log.append(aggregate, ExpectedVersion.NONE, events);

        assertThat(log.read(aggregate, 1, 2)).extracting(event -> event.payload().size()).containsExactly(limit, limit);
    }

    @Test
    void anAppendOverTheLimitIsRefusedAloneWhereverItSitsInABatchAndWritesNothing() {
        AggregateRef aggregate = freshAggregate(freshType());
        AggregateRef neighbour = freshAggregate(aggregate.type());
        int limit = payloadLimit().bytes();
        NewEvent small = newEvent("Created", T0);
        NewEvent over = new NewEvent(EventId.random(), EventName.of("Attached"),
                new Payload(new byte[limit + 1], "application/octet-stream"), Map.of(), T0);
        NewEvent later = newEvent("Created", T0);

        List<AppendOutcome> outcomes = log.appendAll(List.of(
                new Append(aggregate, ExpectedVersion.NONE, List.of(small, over)),
                new Append(neighbour, ExpectedVersion.NONE, List.of(newEvent("Created", T0))),
                // the refused append wrote nothing: the aggregate is still new for the next one
                new Append(aggregate, ExpectedVersion.NONE, List.of(later))));

        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.get(0)).isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                assertThat(refused.reason()).isInstanceOfSatisfying(PayloadTooLargeException.class, tooLarge ->
                        assertThat(tooLarge.eventId()).isEqualTo(over.id())));
        assertThat(outcomes.get(1)).isInstanceOf(AppendOutcome.Appended.class);
        assertThat(outcomes.get(2)).isInstanceOf(AppendOutcome.Appended.class);
        assertThat(log.read(aggregate, 1, 10)).containsExactly(later.at(aggregate, 1));
    }

    // ---- timestamps -------------------------------------------------------------------------------------------

    @Test
    void keepsOccurredAtToTheNanosecondWhereverTheEventIsReadFrom() {
        AggregateRef aggregate = freshAggregate(freshType());
        List<NewEvent> events = new ArrayList<>();
        for (Instant at : List.of(T0.plusNanos(1), T0.plusNanos(500), T0.plusNanos(123_456_789),
                T0.plusNanos(999_999_999), Instant.parse("1969-12-31T23:59:59.999999999Z"),
                Instant.parse("2000-02-29T12:00:00.000000001Z"))) {
            events.add(newEvent("Happened", at));
        }

        List<LoggedEvent> logged = log.append(aggregate, ExpectedVersion.NONE, events);

        List<Instant> appended = events.stream().map(NewEvent::occurredAt).toList();
        assertThat(logged).extracting(entry -> entry.event().occurredAt()).as("as append returns them")
                .containsExactlyElementsOf(appended);
        assertThat(log.read(aggregate, 1, events.size())).extracting(Event::occurredAt).as("as read returns them")
                .containsExactlyElementsOf(appended);
        assertThat(log.readAll(List.of(new SequenceRange(aggregate, 1, events.size())))).singleElement()
                .satisfies(read -> assertThat(read).extracting(Event::occurredAt).as("as readAll returns them")
                        .containsExactlyElementsOf(appended));
        assertThat(log.read(LogQuery.all().ofAggregate(aggregate.type(), aggregate.id())).events())
                .extracting(entry -> entry.event().occurredAt()).as("as a query returns them")
                .containsExactlyElementsOf(appended);
    }

    @Test
    void aRetriedAppendOfEventsWithSubMillisecondTimesReturnsTheStoredEvents() {
        AggregateRef aggregate = freshAggregate(freshType());
        List<NewEvent> events = List.of(newEvent("Created", T0.plusNanos(123_456_789)),
                newEvent("Renamed", T0.plusNanos(123_456_790)));
        List<LoggedEvent> first = log.append(aggregate, ExpectedVersion.NONE, events);

        assertThat(log.append(aggregate, ExpectedVersion.NONE, events)).isEqualTo(first);
        assertThat(log.appendAll(List.of(new Append(aggregate, ExpectedVersion.NONE, events))))
                .containsExactly(new AppendOutcome.Appended(first));
        assertThat(log.version(aggregate)).isEqualTo(2);
    }

    @Test
    void queriesCompareOccurredAtToTheNanosecond() {
        AggregateRef aggregate = freshAggregate(freshType());
        Instant at = Instant.parse("2001-01-01T00:00:00Z");
        List<LoggedEvent> logged = log.append(aggregate, ExpectedVersion.NONE, List.of(newEvent("One", at.plusNanos(1)),
                newEvent("Two", at.plusNanos(2)), newEvent("Three", at.plusNanos(3))));

        assertThat(log.read(LogQuery.all().ofAggregate(aggregate.type(), aggregate.id())
                .occurredBetween(at.plusNanos(2), at.plusNanos(3))).events())
                .extracting(entry -> entry.event().sequence()).containsExactly(2L);
        List<EventId> ours = logged.stream().map(entry -> entry.event().id()).toList();
        assertThat(log.unpublished(at.plusNanos(2), LogQuery.MAX_LIMIT))
                .filteredOn(entry -> ours.contains(entry.event().id()))
                .extracting(entry -> entry.event().sequence()).as("occurred before the given instant")
                .containsExactly(1L);
    }

    @Test
    void keepsPublishedAtToTheNanosecond() {
        AggregateRef aggregate = freshAggregate(freshType());
        List<LoggedEvent> logged = log.append(aggregate, ExpectedVersion.NONE, List.of(newEvent("Created", T0)));
        Instant publishedAt = T0.plusSeconds(1).plusNanos(987_654_321);

        log.markPublished(List.of(logged.get(0).event().id()), publishedAt);

        assertThat(log.read(LogQuery.all().ofAggregate(aggregate.type(), aggregate.id())).events())
                .singleElement().extracting(LoggedEvent::publishedAt).isEqualTo(publishedAt);
    }

    // ---- values the store may not hold ------------------------------------------------------------------------

    @Test
    void keepsTheWidestEventTheDomainAllowsExactly() {
        AggregateRef widest = new AggregateRef(AggregateType.of("T" + unique() + "y".repeat(AggregateType.MAX_LENGTH - 17)),
                AggregateId.of("i".repeat(AggregateId.MAX_LENGTH)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("ключ", "значение \"quoted\" \\ \n\t\u0001 \ud83d\ude00");
        metadata.put("correlation", unique());
        NewEvent event = new NewEvent(EventId.of("e" + unique() + "x".repeat(EventId.MAX_LENGTH - 17)),
                EventName.of("n".repeat(EventName.MAX_LENGTH)), new Payload(new byte[] {0, (byte) 0xFF}, "t".repeat(100)),
                metadata, T0.plusNanos(1));

        List<LoggedEvent> logged = log.append(widest, ExpectedVersion.NONE, List.of(event));

        assertThat(logged).singleElement().extracting(LoggedEvent::event).isEqualTo(event.at(widest, 1));
        assertThat(log.read(widest, 1, 1)).containsExactly(event.at(widest, 1));
    }

    @Test
    void anEventTheLogCannotHoldIsRefusedPermanentlyWritesNothingAndTheLogWorksOn() {
        Map<String, NewEvent> candidates = new LinkedHashMap<>();
        candidates.put("an instant far in the future", newEvent("Far", Instant.MAX));
        candidates.put("an instant far in the past", newEvent("Far", Instant.MIN));
        candidates.put("an instant after 2262", newEvent("Far", Instant.parse("2263-01-01T00:00:00.000000001Z")));
        candidates.put("an instant before 1677", newEvent("Far", Instant.parse("1676-12-31T23:59:59.999999999Z")));
        candidates.put("2 MiB of metadata", new NewEvent(EventId.random(), EventName.of("Meta"), Payload.json("{}"),
                Map.of("blob", "m".repeat(2 << 20)), T0));
        candidates.put("a NUL character in metadata", new NewEvent(EventId.random(), EventName.of("Meta"),
                Payload.json("{}"), Map.of("nul", "a\u0000b"), T0));

        for (Map.Entry<String, NewEvent> candidate : candidates.entrySet()) {
            String what = candidate.getKey();
            NewEvent event = candidate.getValue();
            AggregateRef aggregate = freshAggregate(freshType());
            try {
                List<LoggedEvent> logged = log.append(aggregate, ExpectedVersion.NONE, List.of(event));
                assertThat(logged).as("%s: stored, so as it was given", what)
                        .singleElement().extracting(LoggedEvent::event).isEqualTo(event.at(aggregate, 1));
                assertThat(log.read(aggregate, 1, 1)).as("%s: stored, so read as it was given", what)
                        .containsExactly(event.at(aggregate, 1));
            } catch (InvalidValueException | PermanentPortException refused) {
                assertThat(log.version(aggregate)).as("%s: refused (%s), so nothing written", what, refused).isZero();
            } catch (RuntimeException other) {
                fail(what + ": neither stored nor refused permanently (InvalidValueException or"
                        + " PermanentPortException) but " + other, other);
            }
            assertThat(log.append(aggregate, ExpectedVersion.ANY, List.of(newEvent("After", T0))))
                    .as("%s: the log works on", what).isNotEmpty();
        }
    }

    @Test
    void aBatchRefusesAnEventTheLogCannotHoldAloneAndWritesItsNeighbours() {
        AggregateRef aggregate = freshAggregate(freshType());
        AggregateRef neighbour = freshAggregate(aggregate.type());
        NewEvent far = newEvent("Far", Instant.MAX);
        NewEvent near = newEvent("Near", T0);

        List<AppendOutcome> outcomes = log.appendAll(List.of(new Append(aggregate, ExpectedVersion.NONE, List.of(far)),
                new Append(neighbour, ExpectedVersion.NONE, List.of(near))));

        assertThat(outcomes).hasSize(2);
        if (outcomes.get(0) instanceof AppendOutcome.Refused refused) {
            assertThat(refused.reason()).isInstanceOf(InvalidValueException.class);
            assertThat(log.version(aggregate)).isZero();
        } else {
            assertThat(log.read(aggregate, 1, 1)).as("stored, so as it was given").containsExactly(far.at(aggregate, 1));
        }
        assertThat(outcomes.get(1)).isInstanceOf(AppendOutcome.Appended.class);
        assertThat(log.read(neighbour, 1, 1)).containsExactly(near.at(neighbour, 1));
    }
}
