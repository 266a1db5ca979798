package io.eventsource.adapter.postgresql;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The reads of the highest sequence per key (the versions of a publish batch's aggregates, the last sequences that
 * bindings have acks for) read one index entry per key, however long the aggregate's history: PostgreSQL has no loose
 * index scan, and a {@code MAX} grouped by key read all of them (over 2,000 entries for an aggregate of 2,000 events,
 * over 5,000 for its acks). The statements are run by the adapter's own code on a connection that explains each query
 * it runs ({@link ExplainingConnection}), so the plan measured is that of what the adapter sends.
 */
class HighestSequenceReadsIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final int LONG_HISTORY = 2_000;
    private static final AggregateType TYPE = AggregateType.of("Product");
    private static final AggregateRef LONG = AggregateRef.of("Product", "long");
    private static final AggregateRef SHORT = AggregateRef.of("Product", "short");
    private static final AggregateRef NO_EVENTS = AggregateRef.of("Product", "none");
    private static final ServiceName SERVICE = ServiceName.of("ads");
    private static final ServiceName OTHER_SERVICE = ServiceName.of("mail");
    /** Acks for every event of the long aggregate. */
    private static final Binding PROJECTIONS = new Binding(SERVICE, TYPE, Projection.of("projections"));
    /** Acks for the first 1,500 events of the long aggregate. */
    private static final Binding SEARCH = new Binding(SERVICE, TYPE, Projection.of("search"));
    /** No acks. */
    private static final Binding AUDIT = new Binding(SERVICE, TYPE, Projection.of("audit"));
    /** No acks; the other service has acks for every event, but with {@code search}: a pair not asked for. */
    private static final Binding OTHER_PROJECTIONS = new Binding(OTHER_SERVICE, TYPE, Projection.of("projections"));
    private static final List<Binding> BINDINGS = List.of(PROJECTIONS, SEARCH, AUDIT, OTHER_PROJECTIONS);

    private static TestDatabase database;
    private static SessionFactory sessionFactory;
    private static HibernateEventLog log;
    private static HibernateAckStore store;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.create();
        sessionFactory = HibernateBootstrap.open(database.settings());
        log = new HibernateEventLog(sessionFactory, database.settings());
        store = new HibernateAckStore(sessionFactory, database.settings());
        List<LoggedEvent> history = log.append(LONG, ExpectedVersion.NONE, events(LONG_HISTORY));
        List<LoggedEvent> shortHistory = log.append(SHORT, ExpectedVersion.NONE, events(3));
        List<Ack> acks = new ArrayList<>();
        for (LoggedEvent logged : history) {
            acks.add(ack(logged, PROJECTIONS));
            acks.add(ack(logged, new Binding(OTHER_SERVICE, TYPE, SEARCH.projection())));
            if (logged.event().sequence() <= 1_500) {
                acks.add(ack(logged, SEARCH));
            }
        }
        shortHistory.forEach(logged -> acks.add(ack(logged, PROJECTIONS)));
        store.record(acks).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void readsTheVersionOfEachAggregateFromOneIndexEntryWhateverItsHistory() throws SQLException {
        String table = Tables.of(database.settings()).event();
        Map<AggregateRef, Long> versions = new HashMap<>();
        try (Connection plain = database.connect()) {
            ExplainingConnection explaining = new ExplainingConnection(plain);

            new EventStatements(table).versions(explaining.connection(), TYPE,
                    List.of(LONG.id().value(), SHORT.id().value(), NO_EVENTS.id().value(), LONG.id().value()),
                    versions);

            assertThat(versions).containsOnly(entry(LONG, (long) LONG_HISTORY), entry(SHORT, 3L));
            assertThat(explaining.plans()).hasSize(1);
            assertThat(explaining.rowsRead(table)).as("index entries read for 4 ids, one aggregate of %s events: %s",
                    LONG_HISTORY, explaining.plans()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void readsTheLastSequenceOfEachBindingAndAggregateFromOneIndexEntryWhateverItsAcks() throws SQLException {
        String table = Tables.of(database.settings()).ack();
        List<AggregateRef> aggregates = List.of(LONG, SHORT, NO_EVENTS);
        Map<AggregateRef, Map<Binding, Long>> last = noneYet(aggregates);
        try (Connection plain = database.connect()) {
            ExplainingConnection explaining = new ExplainingConnection(plain);

            new AckStatements(table).lastSequences(explaining.connection(), TYPE, BINDINGS,
                    List.of(LONG.id().value(), SHORT.id().value(), NO_EVENTS.id().value(), LONG.id().value()), last);

            assertThat(last).containsExactly(
                    entry(LONG, Map.of(PROJECTIONS, (long) LONG_HISTORY, SEARCH, 1_500L, AUDIT, 0L,
                            OTHER_PROJECTIONS, 0L)),
                    entry(SHORT, Map.of(PROJECTIONS, 3L, SEARCH, 0L, AUDIT, 0L, OTHER_PROJECTIONS, 0L)),
                    entry(NO_EVENTS, Map.of(PROJECTIONS, 0L, SEARCH, 0L, AUDIT, 0L, OTHER_PROJECTIONS, 0L)));
            assertThat(explaining.plans()).hasSize(1);
            assertThat(explaining.rowsRead(table)).as("index entries read for 4 bindings on 4 ids, with acks of 3"
                    + " bindings for up to %s events of one aggregate: %s", LONG_HISTORY, explaining.plans())
                    .isLessThanOrEqualTo(4 * 4);
        }
    }

    @Test
    void readsTheWindowsOfSeveralAggregatesFromTheirOwnIndexEntriesWhateverTheirHistory() throws SQLException {
        String table = Tables.of(database.settings()).event();
        List<SequenceRange> ranges = List.of(
                new SequenceRange(LONG, LONG_HISTORY - 1, LONG_HISTORY + 14),
                new SequenceRange(SHORT, 2, 17),
                new SequenceRange(NO_EVENTS, 2, 17),
                new SequenceRange(LONG, 10, 11));
        try (Connection plain = database.connect()) {
            // the statistics that autovacuum gathers once a table has had its first thousands of rows: without any,
            // the planner takes the table for a few pages and scans it by type, whatever the statement says
            try (Statement analyze = plain.createStatement()) {
                analyze.execute("ANALYZE " + table);
            }
            ExplainingConnection explaining = new ExplainingConnection(plain);

            List<LoggedEvent> found = new EventStatements(table).inRanges(explaining.connection(), ranges);

            List<List<LoggedEvent>> answers = SequenceRange.answer(ranges, found);
            assertThat(answers.get(0)).extracting(logged -> logged.event().sequence())
                    .containsExactly((long) LONG_HISTORY - 1, (long) LONG_HISTORY);
            assertThat(answers.get(1)).extracting(logged -> logged.event().sequence()).containsExactly(2L, 3L);
            assertThat(answers.get(2)).isEmpty();
            assertThat(answers.get(3)).extracting(logged -> logged.event().sequence()).containsExactly(10L, 11L);
            assertThat(found).hasSize(6);
            assertThat(explaining.plans()).hasSize(1);
            assertThat(explaining.rowsRead(table)).as("rows read for 4 windows, two of an aggregate of %s events: %s",
                    LONG_HISTORY, explaining.plans()).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void theStoreAnswersTheLastSequencesOfOneAggregateAndOfSeveral() {
        assertThat(store.lastSequences(BINDINGS, LONG)).containsExactly(entry(PROJECTIONS, (long) LONG_HISTORY),
                entry(SEARCH, 1_500L), entry(AUDIT, 0L), entry(OTHER_PROJECTIONS, 0L));
        assertThat(store.lastSequences(List.of(AUDIT), NO_EVENTS)).containsExactly(entry(AUDIT, 0L));
        assertThat(store.lastSequences(List.of(), LONG)).isEmpty();

        assertThat(store.lastSequencesAll(List.of(SEARCH, PROJECTIONS), List.of(SHORT, LONG, NO_EVENTS)))
                .containsExactly(entry(SHORT, Map.of(SEARCH, 0L, PROJECTIONS, 3L)),
                        entry(LONG, Map.of(SEARCH, 1_500L, PROJECTIONS, (long) LONG_HISTORY)),
                        entry(NO_EVENTS, Map.of(SEARCH, 0L, PROJECTIONS, 0L)));
        assertThat(store.lastSequencesAll(List.of(), List.of(LONG))).containsExactly(entry(LONG, Map.of()));
    }

    @Test
    void appendsABatchAtTheVersionsItReadsForLongShortAndNewAggregates() {
        AggregateRef longer = fresh();
        AggregateRef shorter = fresh();
        AggregateRef created = fresh();
        log.append(longer, ExpectedVersion.NONE, events(300));
        log.append(shorter, ExpectedVersion.NONE, events(2));

        List<AppendOutcome> outcomes = log.appendAll(List.of(
                new Append(longer, ExpectedVersion.exactly(300), events(1)),
                new Append(created, ExpectedVersion.NONE, events(2)),
                new Append(shorter, ExpectedVersion.exactly(1), events(1)),
                new Append(longer, ExpectedVersion.exactly(301), events(1))));

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(AppendOutcome.Appended.class, appended ->
                assertThat(appended.events()).extracting(logged -> logged.event().sequence()).containsExactly(301L));
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(AppendOutcome.Appended.class, appended ->
                assertThat(appended.events()).extracting(logged -> logged.event().sequence()).containsExactly(1L, 2L));
        assertThat(outcomes.get(2)).isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                assertThat(refused.reason()).isInstanceOfSatisfying(ConcurrencyConflictException.class,
                        conflict -> assertThat(conflict.actual()).isEqualTo(2)));
        assertThat(outcomes.get(3)).isInstanceOfSatisfying(AppendOutcome.Appended.class, appended ->
                assertThat(appended.events()).extracting(logged -> logged.event().sequence()).containsExactly(302L));
        assertThat(log.version(longer)).isEqualTo(302);
        assertThat(log.version(shorter)).isEqualTo(2);
        assertThat(log.version(created)).isEqualTo(2);
    }

    /** What the store starts from: every binding at 0 on every aggregate. */
    private static Map<AggregateRef, Map<Binding, Long>> noneYet(List<AggregateRef> aggregates) {
        Map<AggregateRef, Map<Binding, Long>> last = new LinkedHashMap<>();
        for (AggregateRef aggregate : aggregates) {
            Map<Binding, Long> none = new LinkedHashMap<>();
            BINDINGS.forEach(binding -> none.put(binding, 0L));
            last.put(aggregate, none);
        }
        return last;
    }

    private static AggregateRef fresh() {
        return AggregateRef.of("Product", UUID.randomUUID().toString());
    }

    private static List<NewEvent> events(int count) {
        return IntStream.range(0, count).mapToObj(i -> new NewEvent(EventId.random(), EventName.of("Changed"),
                Payload.json("{}"), Map.of(), T0)).toList();
    }

    private static Ack ack(LoggedEvent logged, Binding binding) {
        return new Ack(AckKey.of(logged.event().id(), binding), AckStatus.OK, 1, "", logged.event().aggregate(),
                logged.event().sequence(), T0);
    }
}
