package io.eventsource.adapter.mysql;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * What the reads on the publishing and delivery paths cost the server as an aggregate's history grows: an append
 * reads each aggregate's version, a consumer starting on an aggregate reads each binding's position, and deliveries
 * read their events' windows of the log, with one index lookup each, not with a scan of every event or ack the
 * aggregate ever had. Counted with the server's own
 * handler counters on the adapter's connections ({@link CountingDataSource}), so the figure is the database's, not a
 * timing.
 */
class IndexReadsIT {
    /** Events of the long-lived aggregate: what a scan of its history would step over, at the least. */
    private static final int HISTORY = 2_000;
    /** Index entries that the reads may step over besides their lookups: none is needed, a few are tolerated. */
    private static final long FEW = 50;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Binding CATALOG = binding("catalog");
    private static final Binding SEARCH = binding("search");
    private static final Binding BILLING = binding("billing");

    private static TestDatabase database;
    private static CountingDataSource dataSource;
    private static SessionFactory sessionFactory;
    private static HibernateEventLog log;
    private static HibernateAckStore acks;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        MySqlSettings settings = database.settings();
        dataSource = new CountingDataSource(settings);
        sessionFactory = DataSourceBootstrap.open(settings, dataSource);
        log = new HibernateEventLog(sessionFactory, settings);
        acks = new HibernateAckStore(sessionFactory, settings);
    }

    @AfterAll
    static void stop() {
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void anAppendReadsTheVersionOfALongLivedAggregateWithoutSteppingThroughItsEvents() {
        AggregateRef longLived = fresh();
        history(longLived);
        AggregateRef quiet = fresh();
        AggregateRef other = fresh();
        log.appendAll(List.of(new Append(quiet, ExpectedVersion.ANY, List.of(event(0)))));

        List<Append> batch = List.of(
                new Append(longLived, ExpectedVersion.exactly(HISTORY), List.of(event(1))),
                new Append(quiet, ExpectedVersion.exactly(0), List.of(event(2))),
                new Append(other, ExpectedVersion.exactly(0), List.of(event(3))));
        Counted<List<AppendOutcome>> outcomes = counted(() -> log.appendAll(batch));

        // the versions read are right: the long-lived aggregate goes on, the quiet one is refused, the new one starts
        assertThat(outcomes.result().get(0)).isInstanceOfSatisfying(AppendOutcome.Appended.class, appended ->
                assertThat(appended.events()).singleElement()
                        .satisfies(logged -> assertThat(logged.event().sequence()).isEqualTo(HISTORY + 1)));
        assertThat(outcomes.result().get(1)).isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                assertThat(refused.reason()).isInstanceOf(ConcurrencyConflictException.class));
        assertThat(outcomes.result().get(2)).isInstanceOf(AppendOutcome.Appended.class);
        System.out.printf("an append to an aggregate of %d events and to two others stepped over %d index entries%n",
                HISTORY, outcomes.stepped());
        assertThat(outcomes.stepped()).as("index entries stepped over by an append to an aggregate of %d events",
                HISTORY).isLessThan(FEW);
    }

    @Test
    void aConsumerStartingOnALongLivedAggregateReadsItsBindingsPositionsWithoutSteppingThroughTheirAcks() {
        AggregateRef longLived = fresh();
        List<LoggedEvent> history = history(longLived);
        List<Ack> handled = new ArrayList<>();
        for (LoggedEvent logged : history) {
            handled.add(Ack.ok(logged.event(), CATALOG, 1, T0));
            if (logged.event().sequence() <= HISTORY / 2) {
                handled.add(Ack.ok(logged.event(), SEARCH, 1, T0));
            }
        }
        acks.record(handled).toCompletableFuture().join();
        AggregateRef unknown = fresh();
        List<Binding> bindings = List.of(CATALOG, SEARCH, BILLING);

        Counted<Map<AggregateRef, Map<Binding, Long>>> all = counted(() ->
                acks.lastSequencesAll(bindings, List.of(longLived, unknown)));
        Counted<Map<Binding, Long>> one = counted(() -> acks.lastSequences(bindings, longLived));

        assertThat(all.result().get(longLived)).containsExactly(entry(CATALOG, (long) HISTORY),
                entry(SEARCH, (long) HISTORY / 2), entry(BILLING, 0L));
        assertThat(all.result().get(unknown)).containsExactly(entry(CATALOG, 0L), entry(SEARCH, 0L),
                entry(BILLING, 0L));
        assertThat(one.result()).isEqualTo(all.result().get(longLived));
        assertThat(acks.lastSequence(CATALOG.service(), CATALOG.projection(), longLived)).isEqualTo(HISTORY);
        System.out.printf("the positions of 3 bindings on an aggregate of %d events and on a new one stepped over %d"
                + " index entries; on the first alone, %d%n", HISTORY, all.stepped(), one.stepped());
        assertThat(all.stepped()).as("index entries stepped over by the positions of 2 aggregates, one of %d events",
                HISTORY).isLessThan(FEW);
        assertThat(one.stepped()).as("index entries stepped over by the positions of an aggregate of %d events",
                HISTORY).isLessThan(FEW);
    }

    @Test
    void aReadOfManyAggregatesWindowsStepsOverNoEventOutsideThem() {
        AggregateRef longLived = fresh();
        List<LoggedEvent> history = history(longLived);
        List<AggregateRef> fresh = List.of(fresh(), fresh(), fresh());
        for (AggregateRef aggregate : fresh) {
            log.appendAll(List.of(new Append(aggregate, ExpectedVersion.exactly(0), List.of(event(0), event(1)))));
        }
        List<SequenceRange> ranges = List.of(
                new SequenceRange(longLived, HISTORY - 1, HISTORY + 14),
                new SequenceRange(fresh.get(0), 1, 16),
                new SequenceRange(fresh.get(1), 1, 16),
                new SequenceRange(fresh.get(2), 2, 17),
                new SequenceRange(longLived, 10, 11));

        Counted<List<List<LoggedEvent>>> read = counted(() -> log.readAllLogged(ranges));

        assertThat(read.result().get(0)).extracting(logged -> logged.event().sequence())
                .containsExactly((long) HISTORY - 1, (long) HISTORY);
        assertThat(read.result().get(0).get(1).position()).isEqualTo(history.get(HISTORY - 1).position());
        assertThat(read.result().get(1)).extracting(logged -> logged.event().sequence()).containsExactly(1L, 2L);
        assertThat(read.result().get(2)).extracting(logged -> logged.event().aggregate()).containsOnly(fresh.get(1));
        assertThat(read.result().get(3)).extracting(logged -> logged.event().sequence()).containsExactly(2L);
        assertThat(read.result().get(4)).extracting(logged -> logged.event().sequence()).containsExactly(10L, 11L);
        System.out.printf("a read of 5 ranges, 2 on an aggregate of %d events, stepped over %d index entries%n",
                HISTORY, read.stepped());
        assertThat(read.stepped()).as("index entries stepped over by a read of 5 ranges, 2 on an aggregate of %d"
                + " events", HISTORY).isLessThan(FEW);
    }

    @Test
    void aggregatesWhoseIdsDifferOnlyInCaseHaveTheirOwnVersionsPositionsAndEvents() {
        String id = "Case-" + UUID.randomUUID();
        AggregateRef upper = AggregateRef.of("Order", id);
        AggregateRef lower = AggregateRef.of("Order", id.toLowerCase(java.util.Locale.ROOT));
        List<LoggedEvent> upperEvents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            upperEvents.addAll(appended(log.appendAll(List.of(new Append(upper, ExpectedVersion.exactly(i),
                    List.of(event(i)))))));
        }
        List<LoggedEvent> lowerEvents = appended(log.appendAll(List.of(new Append(lower, ExpectedVersion.exactly(0),
                List.of(event(9))))));
        acks.record(List.of(Ack.ok(upperEvents.get(2).event(), CATALOG, 1, T0),
                Ack.ok(lowerEvents.get(0).event(), SEARCH, 1, T0))).toCompletableFuture().join();

        List<AppendOutcome> next = log.appendAll(List.of(
                new Append(lower, ExpectedVersion.exactly(1), List.of(event(10))),
                new Append(upper, ExpectedVersion.exactly(3), List.of(event(11)))));
        Map<AggregateRef, Map<Binding, Long>> positions = acks.lastSequencesAll(List.of(CATALOG, SEARCH),
                List.of(lower, upper));

        List<List<LoggedEvent>> read = log.readAllLogged(List.of(new SequenceRange(upper, 1, 16),
                new SequenceRange(lower, 1, 16)));

        assertThat(next).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(AppendOutcome.Appended.class));
        assertThat(read.get(0)).extracting(logged -> logged.event().aggregate()).hasSize(4).containsOnly(upper);
        assertThat(read.get(1)).extracting(logged -> logged.event().aggregate()).hasSize(2).containsOnly(lower);
        assertThat(positions.get(upper)).containsExactly(entry(CATALOG, 3L), entry(SEARCH, 0L));
        assertThat(positions.get(lower)).containsExactly(entry(CATALOG, 0L), entry(SEARCH, 1L));
    }

    private static List<LoggedEvent> appended(List<AppendOutcome> outcomes) {
        assertThat(outcomes).singleElement().isInstanceOf(AppendOutcome.Appended.class);
        return ((AppendOutcome.Appended) outcomes.get(0)).events();
    }

    /** Appends {@value #HISTORY} events to the aggregate, in batches. */
    private static List<LoggedEvent> history(AggregateRef aggregate) {
        List<LoggedEvent> logged = new ArrayList<>();
        for (int from = 0; from < HISTORY; from += 500) {
            List<NewEvent> events = new ArrayList<>();
            for (int i = from; i < from + 500; i++) {
                events.add(event(i));
            }
            AppendOutcome outcome = log.appendAll(List.of(new Append(aggregate, ExpectedVersion.exactly(from),
                    events))).get(0);
            assertThat(outcome).isInstanceOf(AppendOutcome.Appended.class);
            logged.addAll(((AppendOutcome.Appended) outcome).events());
        }
        return logged;
    }

    private static <T> Counted<T> counted(Supplier<T> call) {
        long before = dataSource.indexEntriesStepped();
        T result = call.get();
        return new Counted<>(result, dataSource.indexEntriesStepped() - before);
    }

    private record Counted<T>(T result, long stepped) {
    }

    private static Binding binding(String service) {
        return new Binding(ServiceName.of(service), AggregateRef.of("Order", "x").type(), Projection.of("orders"));
    }

    private static AggregateRef fresh() {
        return AggregateRef.of("Order", "o-" + UUID.randomUUID());
    }

    private static NewEvent event(int i) {
        return new NewEvent(EventId.random(), EventName.of("OrderChanged"), Payload.json("{\"n\":" + i + "}"),
                Map.of(), T0.plusNanos(i * 1_000L));
    }
}
