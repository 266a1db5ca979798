package io.eventsource.tck;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ConcurrencyConflictException;
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
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.eventsource.tck.Fixtures.T0;
import static io.eventsource.tck.Fixtures.freshAggregate;
import static io.eventsource.tck.Fixtures.freshType;
import static io.eventsource.tck.Fixtures.newEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link EventLog}: per-aggregate sequences without holes under optimistic concurrency,
 * a global position order, queries and paging, and the outbox state. An adapter's test extends it and
 * supplies a log. Every test uses fresh aggregate types and ids, so a log shared with other tests works,
 * except that {@link EventLog#unpublished} sees the whole log: give each test a log of its own (a fresh
 * schema or table prefix, or emptied tables) where other writers may be present.
 */
public abstract class EventLogContract {
    private EventLog log;

    /** The log under test, for one test; closed after it. */
    protected abstract EventLog newEventLog();

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

    /**
     * The payload limit that {@link #newEventLog()} configures: {@link PayloadLimit#DEFAULT} unless overridden. The
     * suite appends a payload of exactly this size and one of a byte more.
     */
    protected PayloadLimit payloadLimit() {
        return PayloadLimit.DEFAULT;
    }

    private static List<NewEvent> newEvents(int count, Instant from) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(newEvent("Happened" + i, from.plusMillis(i)));
        }
        return events;
    }

    private static List<Long> sequences(List<? extends Object> events) {
        List<Long> sequences = new ArrayList<>();
        for (Object event : events) {
            sequences.add(event instanceof LoggedEvent logged ? logged.event().sequence() : ((Event) event).sequence());
        }
        return sequences;
    }

    @Test
    void anAggregateWithoutEventsIsAtVersionZero() {
        AggregateRef aggregate = freshAggregate(freshType());

        assertThat(log.version(aggregate)).isZero();
        assertThat(log.read(aggregate, 1, 100)).isEmpty();
    }

    @Test
    void aggregatesWhoseIdsDifferOnlyInCaseAreDifferentAggregates() {
        AggregateType type = freshType();
        String id = "Case-" + freshAggregate(type).id().value();
        AggregateRef upper = new AggregateRef(type, AggregateId.of(id));
        AggregateRef lower = new AggregateRef(type, AggregateId.of(id.toLowerCase(java.util.Locale.ROOT)));
        assertThat(log.appendAll(List.of(new Append(upper, ExpectedVersion.exactly(0), newEvents(3, T0)))))
                .singleElement().isInstanceOf(AppendOutcome.Appended.class);
        assertThat(log.appendAll(List.of(new Append(lower, ExpectedVersion.exactly(0), newEvents(1, T0)))))
                .singleElement().isInstanceOf(AppendOutcome.Appended.class);

        List<AppendOutcome> next = log.appendAll(List.of(
                new Append(lower, ExpectedVersion.exactly(1), newEvents(1, T0)),
                new Append(upper, ExpectedVersion.exactly(3), newEvents(1, T0))));

        assertThat(next).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(AppendOutcome.Appended.class));
        assertThat(log.version(upper)).isEqualTo(4);
        assertThat(log.version(lower)).isEqualTo(2);
        assertThat(sequences(log.read(upper, 1, 100))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(sequences(log.read(lower, 1, 100))).containsExactly(1L, 2L);
    }

    @Test
    void appendsWithConsecutiveSequencesAndIncreasingPositions() {
        AggregateRef aggregate = freshAggregate(freshType());

        List<LoggedEvent> first = log.append(aggregate, ExpectedVersion.NONE, newEvents(2, T0));
        List<LoggedEvent> second = log.append(aggregate, ExpectedVersion.exactly(2), newEvents(1, T0));
        List<LoggedEvent> third = log.append(aggregate, ExpectedVersion.ANY, newEvents(2, T0));

        List<LoggedEvent> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(third);
        assertThat(sequences(all)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(all).extracting(LoggedEvent::position).isSorted().doesNotHaveDuplicates();
        assertThat(all).allSatisfy(event -> {
            assertThat(event.isPublished()).isFalse();
            assertThat(event.event().aggregate()).isEqualTo(aggregate);
        });
        assertThat(log.version(aggregate)).isEqualTo(5);
    }

    @Test
    void keepsEveryFieldOfAnEvent() {
        AggregateRef aggregate = freshAggregate(freshType());
        NewEvent appended = newEvent("ProductCreated", T0.plusMillis(123));

        log.append(aggregate, ExpectedVersion.NONE, List.of(appended));

        assertThat(log.read(aggregate, 1, 1)).containsExactly(appended.at(aggregate, 1));
    }

    @Test
    void appendsABatchOfAggregatesEachAsAppendWouldAndRefusesAConflictAlone() {
        AggregateRef first = freshAggregate(freshType());
        AggregateRef second = freshAggregate(freshType());
        List<Append> batch = List.of(
                new Append(first, ExpectedVersion.NONE, newEvents(2, T0)),
                new Append(second, ExpectedVersion.NONE, newEvents(1, T0)),
                new Append(first, ExpectedVersion.exactly(2), newEvents(1, T0)),
                new Append(second, ExpectedVersion.NONE, newEvents(1, T0)));

        List<AppendOutcome> outcomes = log.appendAll(batch);

        assertThat(outcomes).hasSize(4);
        assertThat(sequences(((AppendOutcome.Appended) outcomes.get(0)).events())).containsExactly(1L, 2L);
        assertThat(sequences(((AppendOutcome.Appended) outcomes.get(1)).events())).containsExactly(1L);
        assertThat(sequences(((AppendOutcome.Appended) outcomes.get(2)).events())).containsExactly(3L);
        assertThat(outcomes.get(3)).isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                assertThat(refused.reason()).isInstanceOf(ConcurrencyConflictException.class));
        assertThat(log.version(first)).isEqualTo(3);
        assertThat(log.version(second)).as("nothing of the refused append written").isEqualTo(1);
    }

    @Test
    void aRetriedBatchReturnsWhatItsFirstTryWrote() {
        AggregateRef first = freshAggregate(freshType());
        AggregateRef second = freshAggregate(freshType());
        List<Append> batch = List.of(new Append(first, ExpectedVersion.NONE, newEvents(1, T0)),
                new Append(second, ExpectedVersion.ANY, newEvents(2, T0)));
        List<AppendOutcome> written = log.appendAll(batch);

        assertThat(log.appendAll(batch)).isEqualTo(written);
        assertThat(log.version(first)).isEqualTo(1);
        assertThat(log.version(second)).isEqualTo(2);
    }

    @Test
    void aRetriedAppendOfTheSameEventsReturnsTheStoredOnes() {
        AggregateRef aggregate = freshAggregate(freshType());
        List<NewEvent> events = newEvents(2, T0);
        List<LoggedEvent> first = log.append(aggregate, ExpectedVersion.NONE, events);

        // a publish retried after a timeout whose first try was written, with its expected version or any
        assertThat(log.append(aggregate, ExpectedVersion.NONE, events)).isEqualTo(first);
        assertThat(log.append(aggregate, ExpectedVersion.ANY, events)).isEqualTo(first);
        assertThat(log.version(aggregate)).isEqualTo(2);
    }

    @Test
    void aRetriedAppendAtTheVersionItFirstExpectedReturnsTheStoredEventsAfterTheAggregateMovedOn() {
        AggregateRef aggregate = freshAggregate(freshType());
        log.append(aggregate, ExpectedVersion.NONE, newEvents(1, T0));
        List<NewEvent> events = newEvents(2, T0);
        List<LoggedEvent> first = log.append(aggregate, ExpectedVersion.exactly(1), events);
        log.append(aggregate, ExpectedVersion.exactly(3), newEvents(1, T0));

        assertThat(log.append(aggregate, ExpectedVersion.exactly(1), events)).isEqualTo(first);
        assertThat(log.appendAll(List.of(new Append(aggregate, ExpectedVersion.exactly(1), events))))
                .containsExactly(new AppendOutcome.Appended(first));
        assertThat(log.version(aggregate)).isEqualTo(4);
    }

    @Test
    void concurrentTriesOfOneAppendAllGetTheEventsOneOfThemWrote() throws Exception {
        for (ExpectedVersion expected : List.of(ExpectedVersion.NONE, ExpectedVersion.ANY)) {
            AggregateRef aggregate = freshAggregate(freshType());
            List<NewEvent> events = newEvents(3, T0);
            int tries = 4;
            ExecutorService pool = Executors.newFixedThreadPool(tries);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<LoggedEvent>>> results = new ArrayList<>();
                for (int t = 0; t < tries; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return log.append(aggregate, expected, events);
                    }));
                }
                start.countDown();
                List<LoggedEvent> first = results.get(0).get(60, TimeUnit.SECONDS);
                for (Future<List<LoggedEvent>> result : results) {
                    assertThat(result.get(60, TimeUnit.SECONDS)).as("expecting %s", expected).isEqualTo(first);
                }
                assertThat(sequences(first)).containsExactly(1L, 2L, 3L);
                assertThat(log.version(aggregate)).isEqualTo(3);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void refusesAKnownEventIdWithOtherContent() {
        AggregateRef aggregate = freshAggregate(freshType());
        NewEvent original = newEvent("ProductCreated", T0);
        log.append(aggregate, ExpectedVersion.NONE, List.of(original));
        NewEvent sameIdOtherContent = new NewEvent(original.id(), original.name(), original.payload(), Map.of(),
                T0.plusSeconds(1));

        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.ANY, List.of(sameIdOtherContent)))
                .isInstanceOfSatisfying(DuplicateEventIdException.class, refused ->
                        assertThat(refused.eventIds()).containsExactly(original.id()))
                .hasMessageContaining("event id " + original.id() + " is already in the log as " + aggregate + "#1"
                        + " with other content");
        assertThatThrownBy(() -> log.append(freshAggregate(aggregate.type()), ExpectedVersion.NONE, List.of(original)))
                .as("the same event for another aggregate").isInstanceOf(DuplicateEventIdException.class);
        assertThat(log.version(aggregate)).isEqualTo(1);
    }

    @Test
    void refusesStoredEventsSentAgainWithNewOnesAndWritesNone() {
        AggregateRef aggregate = freshAggregate(freshType());
        List<NewEvent> stored = newEvents(2, T0);
        log.append(aggregate, ExpectedVersion.NONE, stored);
        NewEvent added = newEvent("Added", T0);
        List<NewEvent> storedAndNew = List.of(stored.get(0), stored.get(1), added);

        for (ExpectedVersion expected : List.of(ExpectedVersion.NONE, ExpectedVersion.ANY, ExpectedVersion.exactly(2))) {
            assertThatThrownBy(() -> log.append(aggregate, expected, storedAndNew))
                    .as("expecting %s", expected)
                    .isInstanceOfSatisfying(DuplicateEventIdException.class, refused ->
                            assertThat(refused.eventIds()).containsExactly(stored.get(0).id(), stored.get(1).id()))
                    .hasMessageContaining("but " + added.id() + " is not");
        }
        assertThat(log.appendAll(List.of(new Append(aggregate, ExpectedVersion.ANY, storedAndNew))).get(0))
                .isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                        assertThat(refused.reason()).isInstanceOf(DuplicateEventIdException.class));
        assertThat(log.version(aggregate)).as("nothing of the refused appends written").isEqualTo(2);
        assertThat(log.append(aggregate, ExpectedVersion.exactly(2), List.of(added)))
                .as("the new event on its own").extracting(logged -> logged.event().sequence()).containsExactly(3L);
    }

    @Test
    void refusesStoredEventsExpectedAtAnotherVersion() {
        AggregateRef aggregate = freshAggregate(freshType());
        List<NewEvent> stored = newEvents(2, T0);
        log.append(aggregate, ExpectedVersion.NONE, stored);

        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.exactly(2), stored))
                .isInstanceOf(DuplicateEventIdException.class)
                .hasMessageContaining("not where this append would put them");
        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.ANY, List.of(stored.get(1), stored.get(0))))
                .as("in another order").isInstanceOf(DuplicateEventIdException.class);
        assertThat(log.version(aggregate)).isEqualTo(2);
    }

    @Test
    void refusesAnIdGivenTwiceInOneAppend() {
        AggregateRef aggregate = freshAggregate(freshType());
        NewEvent event = newEvent("Created", T0);

        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.NONE, List.of(event, event)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("event id " + event.id() + " is given twice");
        assertThat(log.version(aggregate)).isZero();
    }

    @Test
    void aBatchAnswersARetryWithTheStoredEventsAndRefusesAReusedIdAlone() {
        AggregateRef retried = freshAggregate(freshType());
        AggregateRef reusing = freshAggregate(freshType());
        AggregateRef fresh = freshAggregate(freshType());
        List<NewEvent> events = newEvents(2, T0);
        List<LoggedEvent> stored = log.append(retried, ExpectedVersion.NONE, events);
        NewEvent reused = new NewEvent(events.get(0).id(), EventName.of("Other"), Payload.json("{}"), Map.of(), T0);

        List<AppendOutcome> outcomes = log.appendAll(List.of(
                new Append(retried, ExpectedVersion.NONE, events),
                new Append(reusing, ExpectedVersion.NONE, List.of(reused)),
                new Append(fresh, ExpectedVersion.NONE, newEvents(1, T0))));

        assertThat(outcomes.get(0)).isEqualTo(new AppendOutcome.Appended(stored));
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                assertThat(refused.reason()).isInstanceOf(DuplicateEventIdException.class));
        assertThat(outcomes.get(2)).isInstanceOf(AppendOutcome.Appended.class);
        assertThat(List.of(log.version(retried), log.version(reusing), log.version(fresh))).containsExactly(2L, 0L, 1L);
    }

    @Test
    void refusesAPayloadOverTheLimitBeforeWritingAnything() {
        AggregateRef aggregate = freshAggregate(freshType());
        int limit = payloadLimit().bytes();
        NewEvent atLimit = new NewEvent(EventId.random(), EventName.of("Attached"),
                new Payload(new byte[limit], "application/octet-stream"), Map.of(), T0);
        NewEvent overLimit = new NewEvent(EventId.random(), EventName.of("Attached"),
                new Payload(new byte[limit + 1], "application/octet-stream"), Map.of(), T0);

        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.NONE, List.of(atLimit, overLimit)))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, refused -> {
                    assertThat(refused.eventId()).isEqualTo(overLimit.id());
                    assertThat(refused.size()).isEqualTo(limit + 1);
                    assertThat(refused.limit()).isEqualTo(limit);
                })
                .hasMessageContaining("Event payload of Attached " + overLimit.id() + " for " + aggregate + " is "
                        + (limit + 1) + " bytes, over the limit of " + limit + " bytes");
        assertThat(log.appendAll(List.of(new Append(aggregate, ExpectedVersion.NONE, List.of(overLimit)),
                new Append(freshAggregate(aggregate.type()), ExpectedVersion.NONE, newEvents(1, T0)))))
                .satisfiesExactly(
                        refused -> assertThat(((AppendOutcome.Refused) refused).reason())
                                .isInstanceOf(PayloadTooLargeException.class),
                        appended -> assertThat(appended).isInstanceOf(AppendOutcome.Appended.class));
        assertThat(log.version(aggregate)).as("nothing written").isZero();

        List<LoggedEvent> logged = log.append(aggregate, ExpectedVersion.NONE, List.of(atLimit));
        assertThat(log.read(aggregate, 1, 1)).containsExactly(logged.get(0).event());
    }

    @Test
    void anAppendAtTheWrongVersionIsAConflictAndWritesNothing() {
        AggregateRef aggregate = freshAggregate(freshType());
        log.append(aggregate, ExpectedVersion.NONE, newEvents(2, T0));

        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.NONE, newEvents(3, T0)))
                .isInstanceOfSatisfying(ConcurrencyConflictException.class, conflict -> {
                    assertThat(conflict.actual()).isEqualTo(2);
                    assertThat(conflict.aggregate()).isEqualTo(aggregate);
                });
        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.exactly(1), newEvents(1, T0)))
                .isInstanceOf(ConcurrencyConflictException.class);
        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.exactly(3), newEvents(1, T0)))
                .isInstanceOf(ConcurrencyConflictException.class);

        assertThat(log.version(aggregate)).isEqualTo(2);
        assertThat(sequences(log.read(aggregate, 1, 100))).containsExactly(1L, 2L);
    }

    @Test
    void ofConcurrentAppendersExactlyOneWinsEachSequence() throws Exception {
        AggregateRef aggregate = freshAggregate(freshType());
        int appenders = 6;
        int eventsEach = 10;
        ExecutorService pool = Executors.newFixedThreadPool(appenders);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Event>>> results = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                Callable<List<Event>> appender = () -> {
                    start.await();
                    List<Event> mine = new ArrayList<>();
                    while (mine.size() < eventsEach) {
                        long version = log.version(aggregate);
                        try {
                            mine.addAll(log.append(aggregate, ExpectedVersion.exactly(version), newEvents(1, T0))
                                    .stream().map(LoggedEvent::event).toList());
                        } catch (ConcurrencyConflictException lost) {
                            // another appender took this sequence: read the version again
                        }
                    }
                    return mine;
                };
                results.add(pool.submit(appender));
            }
            start.countDown();
            List<EventId> won = new ArrayList<>();
            for (Future<List<Event>> result : results) {
                result.get(60, TimeUnit.SECONDS).forEach(event -> won.add(event.id()));
            }

            List<Event> stored = log.read(aggregate, 1, Long.MAX_VALUE);
            assertThat(sequences(stored)).containsExactlyElementsOf(
                    IntStream.rangeClosed(1, appenders * eventsEach).mapToObj(i -> (long) i).toList());
            assertThat(stored).extracting(Event::id).containsExactlyInAnyOrderElementsOf(won);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ofAppendersExpectingANewAggregateOnlyOneSucceeds() throws Exception {
        AggregateRef aggregate = freshAggregate(freshType());
        int appenders = 6;
        ExecutorService pool = Executors.newFixedThreadPool(appenders);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        log.append(aggregate, ExpectedVersion.NONE, newEvents(2, T0));
                        return true;
                    } catch (ConcurrencyConflictException lost) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }

            assertThat(winners).isEqualTo(1);
            assertThat(log.version(aggregate)).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void newestPositionIsThatOfTheTypesLastEventOrZero() {
        AggregateType type = freshType();
        assertThat(log.newestPosition(type)).as("no event of the type yet").isZero();

        log.append(freshAggregate(type), ExpectedVersion.NONE, newEvents(2, T0));
        List<LoggedEvent> last = log.append(freshAggregate(type), ExpectedVersion.NONE, newEvents(3, T0));
        List<LoggedEvent> other = log.append(freshAggregate(freshType()), ExpectedVersion.NONE, newEvents(1, T0));

        assertThat(log.newestPosition(type)).isEqualTo(last.get(2).position());
        assertThat(log.newestPosition(other.get(0).event().aggregate().type())).isEqualTo(other.get(0).position());
    }

    @Test
    void readsTheExistingEventsOfASequenceRange() {
        AggregateRef aggregate = freshAggregate(freshType());
        log.append(aggregate, ExpectedVersion.NONE, newEvents(5, T0));
        log.append(freshAggregate(aggregate.type()), ExpectedVersion.NONE, newEvents(5, T0));

        assertThat(sequences(log.read(aggregate, 2, 4))).containsExactly(2L, 3L, 4L);
        assertThat(sequences(log.read(aggregate, 4, 9))).containsExactly(4L, 5L);
        assertThat(log.read(aggregate, 6, 9)).isEmpty();
        assertThat(log.read(aggregate, 3, 2)).isEmpty();
    }

    @Test
    void readsSeveralRangesAtOnceEachAsItsOwnReadWould() {
        AggregateType type = freshType();
        AggregateRef first = freshAggregate(type);
        AggregateRef second = freshAggregate(type);
        AggregateRef empty = freshAggregate(type);
        log.append(first, ExpectedVersion.NONE, newEvents(5, T0));
        log.append(second, ExpectedVersion.NONE, newEvents(3, T0));
        List<SequenceRange> ranges = List.of(new SequenceRange(first, 2, 4), new SequenceRange(second, 1, 9),
                new SequenceRange(empty, 1, 16), new SequenceRange(first, 4, 20), new SequenceRange(first, 3, 2),
                new SequenceRange(second, 2, 2));

        List<List<Event>> found = log.readAll(ranges);

        assertThat(found).hasSize(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            SequenceRange range = ranges.get(i);
            assertThat(found.get(i)).as("range %s", range)
                    .isEqualTo(log.read(range.aggregate(), range.fromSequence(), range.toSequence()));
        }
        assertThat(sequences(found.get(0))).containsExactly(2L, 3L, 4L);
        assertThat(sequences(found.get(1))).containsExactly(1L, 2L, 3L);
        assertThat(found.get(2)).isEmpty();
        assertThat(sequences(found.get(3))).containsExactly(4L, 5L);
        assertThat(found.get(4)).isEmpty();
        assertThat(sequences(found.get(5))).containsExactly(2L);
        assertThat(found.get(1)).allSatisfy(event -> assertThat(event.aggregate()).isEqualTo(second));
        assertThat(log.readAll(List.of())).isEmpty();
    }

    @Test
    void readsSeveralRangesWithTheEventsPositionsAsTheWholeLogHasThem() {
        AggregateType type = freshType();
        AggregateRef first = freshAggregate(type);
        AggregateRef second = freshAggregate(type);
        AggregateRef empty = freshAggregate(type);
        log.append(first, ExpectedVersion.NONE, newEvents(3, T0));
        log.append(second, ExpectedVersion.NONE, newEvents(2, T0));
        log.append(first, ExpectedVersion.exactly(3), newEvents(2, T0));
        List<SequenceRange> ranges = List.of(new SequenceRange(first, 2, 5), new SequenceRange(empty, 1, 4),
                new SequenceRange(second, 1, 9), new SequenceRange(first, 3, 2));

        List<List<LoggedEvent>> found = log.readAllLogged(ranges);

        List<LoggedEvent> whole = readAll(LogQuery.all().ofType(type));
        assertThat(found).hasSize(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            SequenceRange range = ranges.get(i);
            assertThat(found.get(i).stream().map(LoggedEvent::event).toList()).as("range %s", range)
                    .isEqualTo(log.read(range.aggregate(), range.fromSequence(), range.toSequence()));
            assertThat(found.get(i)).as("range %s", range).allSatisfy(logged -> assertThat(logged.position())
                    .isEqualTo(whole.stream().filter(any -> any.event().id().equals(logged.event().id()))
                            .findFirst().orElseThrow().position()));
        }
        assertThat(found.get(0)).extracting(logged -> logged.event().sequence()).containsExactly(2L, 3L, 4L, 5L);
        // the first aggregate's last two events came after the second aggregate's
        assertThat(found.get(0).get(2).position()).isGreaterThan(found.get(2).get(1).position());
        assertThat(found.get(1)).isEmpty();
        assertThat(found.get(3)).isEmpty();
        assertThat(log.readAllLogged(List.of())).isEmpty();
    }

    @Test
    void queriesTheWholeLogByTypeAggregateAndTimeInPositionOrder() {
        AggregateType product = freshType();
        AggregateType order = freshType();
        AggregateRef p1 = freshAggregate(product);
        AggregateRef p2 = freshAggregate(product);
        AggregateRef o1 = freshAggregate(order);
        log.append(p1, ExpectedVersion.NONE, newEvents(2, T0));
        log.append(o1, ExpectedVersion.NONE, newEvents(2, T0.plusSeconds(10)));
        log.append(p2, ExpectedVersion.NONE, newEvents(2, T0.plusSeconds(20)));
        log.append(p1, ExpectedVersion.ANY, newEvents(1, T0.plusSeconds(30)));

        List<LoggedEvent> products = readAll(LogQuery.all().ofType(product));
        assertThat(products).extracting(e -> e.event().aggregate()).containsExactly(p1, p1, p2, p2, p1);
        assertThat(products).extracting(LoggedEvent::position).isSorted();

        assertThat(readAll(LogQuery.all().ofAggregate(product, p1.id())))
                .extracting(e -> e.event().sequence()).containsExactly(1L, 2L, 3L);
        assertThat(readAll(LogQuery.all().ofType(product).occurredBetween(T0.plusSeconds(20), T0.plusSeconds(30))))
                .extracting(e -> e.event().aggregate()).containsExactly(p2, p2);
        assertThat(readAll(LogQuery.all().ofType(order).occurredBetween(T0.plusSeconds(10).plusMillis(1), null)))
                .extracting(e -> e.event().sequence()).containsExactly(2L);
        assertThat(readAll(LogQuery.all().ofType(product).after(products.get(2).position())))
                .extracting(LoggedEvent::position).containsExactly(products.get(3).position(), products.get(4).position());
    }

    @Test
    void pagesThroughTheLogWithoutLosingOrRepeatingEvents() {
        AggregateType type = freshType();
        for (int i = 0; i < 4; i++) {
            log.append(freshAggregate(type), ExpectedVersion.NONE, newEvents(3, T0));
        }
        LogQuery query = LogQuery.all().ofType(type).limit(5);

        List<LogPage> pages = new ArrayList<>();
        LogPage page = log.read(query);
        pages.add(page);
        while (page.hasMore()) {
            page = log.read(query.after(page.lastPosition()));
            pages.add(page);
        }

        List<LoggedEvent> all = pages.stream().flatMap(p -> p.events().stream()).toList();
        assertThat(all).hasSize(12).extracting(LoggedEvent::position).isSorted().doesNotHaveDuplicates();
        assertThat(pages.get(0).events()).hasSize(5);
        assertThat(pages.get(0).hasMore()).isTrue();
        assertThat(pages.get(0).lastPosition()).isEqualTo(pages.get(0).events().get(4).position());
        assertThat(page.hasMore()).isFalse();

        LogPage beyond = log.read(query.after(all.get(11).position()));
        assertThat(beyond.events()).isEmpty();
        assertThat(beyond.hasMore()).isFalse();
        assertThat(beyond.lastPosition()).isEqualTo(all.get(11).position());
    }

    private List<LoggedEvent> readAll(LogQuery query) {
        List<LoggedEvent> all = new ArrayList<>();
        LogPage page;
        LogQuery next = query;
        do {
            page = log.read(next);
            all.addAll(page.events());
            next = next.after(page.lastPosition());
        } while (page.hasMore() && !page.events().isEmpty());
        return all;
    }

    @Test
    void listsUnpublishedEventsUntilTheyAreMarkedPublished() {
        AggregateType type = freshType();
        AggregateRef aggregate = freshAggregate(type);
        List<LoggedEvent> appended = log.append(aggregate, ExpectedVersion.NONE, newEvents(3, T0));
        Set<EventId> ours = appended.stream().map(e -> e.event().id()).collect(Collectors.toSet());

        assertThat(unpublishedOf(ours, T0.plusSeconds(1))).extracting(e -> e.event().sequence()).containsExactly(1L, 2L, 3L);
        assertThat(unpublishedOf(ours, T0.plusMillis(2))).extracting(e -> e.event().sequence())
                .as("only those that occurred before the given instant").containsExactly(1L, 2L);

        Instant publishedAt = T0.plus(Duration.ofMinutes(1));
        List<EventId> firstTwo = List.of(appended.get(0).event().id(), appended.get(1).event().id());
        log.markPublished(firstTwo, publishedAt);
        log.markPublished(firstTwo, publishedAt);
        log.markPublished(List.of(EventId.random()), publishedAt);

        assertThat(unpublishedOf(ours, T0.plusSeconds(1))).extracting(e -> e.event().sequence()).containsExactly(3L);
        assertThat(readAll(LogQuery.all().ofAggregate(type, aggregate.id())))
                .extracting(LoggedEvent::publishedAt).containsExactly(publishedAt, publishedAt, null);
    }

    @Test
    void limitsTheUnpublishedEventsOldestFirst() {
        AggregateRef aggregate = freshAggregate(freshType());
        List<LoggedEvent> appended = log.append(aggregate, ExpectedVersion.NONE, newEvents(3, T0));

        List<LoggedEvent> firstTwo = log.unpublished(T0.plusSeconds(1), 2);

        assertThat(firstTwo).hasSize(2).extracting(LoggedEvent::position).isSorted();
        assertThat(firstTwo.get(1).position()).isLessThanOrEqualTo(appended.get(1).position());
    }

    private List<LoggedEvent> unpublishedOf(Set<EventId> ours, Instant before) {
        return log.unpublished(before, LogQuery.MAX_LIMIT).stream().filter(e -> ours.contains(e.event().id())).toList();
    }
}
