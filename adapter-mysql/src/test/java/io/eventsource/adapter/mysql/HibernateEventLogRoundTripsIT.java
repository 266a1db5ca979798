package io.eventsource.adapter.mysql;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.LoggedEvent;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a batch of appends costs in statements sent to the server: a constant, whatever the number of aggregates
 * (issue 10). The statements are counted on a DataSource that wraps the driver's connections. Also prints the
 * batch's throughput, for the record (never asserted: the machine is shared).
 */
class HibernateEventLogRoundTripsIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static TestDatabase database;
    private static CountingDataSource dataSource;
    private static SessionFactory sessionFactory;
    private static HibernateEventLog log;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        MySqlSettings settings = database.settings();
        dataSource = new CountingDataSource(settings);
        sessionFactory = DataSourceBootstrap.open(settings, dataSource);
        log = new HibernateEventLog(sessionFactory, settings);
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
    void aBatchOfDistinctAggregatesCostsTheSameStatementsWhateverItsSize() {
        Map<Integer, Integer> statements = new LinkedHashMap<>();
        for (int aggregates : List.of(2, 16, 128, 600)) {
            List<Append> appends = new ArrayList<>();
            for (int i = 0; i < aggregates; i++) {
                appends.add(new Append(fresh(), ExpectedVersion.exactly(0), List.of(event(i), event(i + 1))));
            }
            int before = dataSource.statements();
            List<AppendOutcome> outcomes = log.appendAll(appends);
            statements.put(aggregates, dataSource.statements() - before);

            assertAllAppended(appends, outcomes);
        }
        System.out.printf(Locale.ROOT, "appendAll statements by aggregates in the batch (2 events each): %s%n", statements);
        // a version query and one multi-row insert: 600 aggregates' 1,200 rows take three inserts of 500 rows at most
        assertThat(statements.get(2)).isEqualTo(2);
        assertThat(statements.get(16)).isEqualTo(2);
        assertThat(statements.get(128)).isEqualTo(2);
        assertThat(statements.get(600)).isEqualTo(1 + 3);
    }

    @Test
    void appendsThatAreNotAdmittedCostOneQueryTogetherAndFailAlone() {
        Map<Integer, Integer> statements = new LinkedHashMap<>();
        for (int aggregates : List.of(4, 64)) {
            List<AggregateRef> refs = new ArrayList<>();
            for (int i = 0; i < aggregates; i++) {
                refs.add(fresh());
            }
            // every other aggregate already has an event: its append at version 0 is not admitted
            List<Append> first = new ArrayList<>();
            for (int i = 0; i < aggregates; i += 2) {
                first.add(new Append(refs.get(i), ExpectedVersion.exactly(0), List.of(event(i))));
            }
            assertAllAppended(first, log.appendAll(first));
            List<Append> appends = new ArrayList<>();
            for (int i = 0; i < aggregates; i++) {
                appends.add(new Append(refs.get(i), ExpectedVersion.exactly(0), List.of(event(i))));
            }

            int before = dataSource.statements();
            List<AppendOutcome> outcomes = log.appendAll(appends);
            statements.put(aggregates, dataSource.statements() - before);

            for (int i = 0; i < aggregates; i++) {
                if (i % 2 == 0) {
                    assertThat(outcomes.get(i)).isInstanceOfSatisfying(AppendOutcome.Refused.class, refused ->
                            assertThat(refused.reason()).isInstanceOf(ConcurrencyConflictException.class));
                } else {
                    assertThat(outcomes.get(i)).isInstanceOf(AppendOutcome.Appended.class);
                    assertThat(log.version(refs.get(i))).isEqualTo(1);
                }
            }
        }
        // versions, the events with the refused appends' ids, the insert
        assertThat(statements).containsEntry(4, 3).containsEntry(64, 3);
    }

    @Test
    void printsTheThroughputOfBatches() {
        int batches = 20;
        int size = 256;
        double seconds = timeBatches(log, batches, size);
        System.out.printf(Locale.ROOT, "appendAll, a new connection per transaction (the counting DataSource): %d batches"
                + " of %d distinct aggregates (1 event each): %.1f ms per batch, %,.0f events/s%n", batches, size,
                seconds * 1000 / batches, batches * size / seconds);
        SessionFactory pooled = HibernateBootstrap.open(database.settings());
        try {
            seconds = timeBatches(new HibernateEventLog(pooled, database.settings()), batches, size);
        } finally {
            pooled.close();
        }
        System.out.printf(Locale.ROOT, "appendAll, the adapter's pool: %d batches of %d distinct aggregates (1 event each):"
                + " %.1f ms per batch, %,.0f events/s%n", batches, size, seconds * 1000 / batches, batches * size / seconds);
    }

    /** Seconds for the batches, after two for warming up; checks the outcomes afterwards. */
    private static double timeBatches(HibernateEventLog log, int batches, int size) {
        List<List<Append>> work = new ArrayList<>();
        for (int b = 0; b < batches + 2; b++) {
            List<Append> appends = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                appends.add(new Append(fresh(), ExpectedVersion.ANY, List.of(event(i))));
            }
            work.add(appends);
        }
        log.appendAll(work.get(0));
        log.appendAll(work.get(1));
        List<List<AppendOutcome>> outcomes = new ArrayList<>();
        long start = System.nanoTime();
        for (List<Append> appends : work.subList(2, work.size())) {
            outcomes.add(log.appendAll(appends));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (int b = 0; b < batches; b++) {
            assertAllAppended(work.get(b + 2), outcomes.get(b));
        }
        return seconds;
    }

    private static void assertAllAppended(List<Append> appends, List<AppendOutcome> outcomes) {
        assertThat(outcomes).hasSize(appends.size());
        long lastPosition = 0;
        for (int i = 0; i < appends.size(); i++) {
            Append append = appends.get(i);
            assertThat(outcomes.get(i)).isInstanceOf(AppendOutcome.Appended.class);
            List<LoggedEvent> logged = ((AppendOutcome.Appended) outcomes.get(i)).events();
            assertThat(logged).extracting(entry -> entry.event().id())
                    .containsExactlyElementsOf(append.events().stream().map(NewEvent::id).toList());
            for (LoggedEvent entry : logged) {
                // positions increase in the batch's order, and each is the one the log holds for that event
                assertThat(entry.position()).isGreaterThan(lastPosition);
                lastPosition = entry.position();
                assertThat(log.read(append.aggregate(), entry.event().sequence(), entry.event().sequence()))
                        .singleElement().isEqualTo(entry.event());
            }
        }
    }

    private static AggregateRef fresh() {
        return AggregateRef.of("Product", "p-" + UUID.randomUUID());
    }

    private static NewEvent event(int i) {
        return new NewEvent(EventId.random(), EventName.of("PriceChanged"),
                Payload.json("{\"sku\":\"" + i + "\",\"price\":" + (1000 + i) + "}"),
                Map.of("correlation", "c-" + i, "greeting", "Grüße"), T0.plusNanos(i * 1_000_001L));
    }
}
