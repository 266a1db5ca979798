package io.eventsource.adapter.postgresql;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Positions commit in order: a reader of the whole log never sees position n+1 while n is not visible, and
 * refused or rolled-back appends leave no hole. The checker, {@link ContiguousPositions}, is shown to catch what a
 * sequence does (numbers that commit out of order) before it is let loose on concurrent appenders.
 */
class InOrderPositionsIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
    private static TestDatabase database;
    private static SessionFactory sessionFactory;
    private static HibernateEventLog log;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        sessionFactory = HibernateBootstrap.open(database.settings().withPoolSize(8));
        log = new HibernateEventLog(sessionFactory, database.settings());
    }

    @AfterAll
    static void stop() {
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        if (database != null) {
            database.execute("DROP TABLE IF EXISTS " + database.prefix() + "sequence_probe");
            database.close();
        }
    }

    /** A reader's view: every position it is shown must be the one right after the last it saw. */
    static final class ContiguousPositions {
        private long last;

        ContiguousPositions(long after) {
            this.last = after;
        }

        void see(List<Long> positions) {
            for (long position : positions) {
                if (position != last + 1) {
                    throw new AssertionError("the reader saw position " + position + " while position " + (last + 1)
                            + " was not visible");
                }
                last = position;
            }
        }

        long last() {
            return last;
        }
    }

    @Test
    void theCheckerCatchesASequenceWhoseNumbersCommitOutOfOrder() throws SQLException {
        String probe = database.prefix() + "sequence_probe";
        database.execute("CREATE TABLE " + probe + " (position BIGSERIAL PRIMARY KEY)");
        try (Connection first = database.connect(); Connection second = database.connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            assertThat(insertInto(first, probe)).isEqualTo(1);
            assertThat(insertInto(second, probe)).isEqualTo(2);
            second.commit();

            ContiguousPositions reader = new ContiguousPositions(0);
            assertThatThrownBy(() -> reader.see(positionsIn(probe)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("saw position 2 while position 1 was not visible");
            first.commit();
        }
    }

    @Test
    void anAppendWaitsForTheLogHeadUntilTheAppendHoldingItCommits() throws Exception {
        long head = head();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection inFlight = database.connect()) {
            inFlight.setAutoCommit(false);
            // what an append does first, from a connection of the test's: the head is held until the commit below
            try (Statement statement = inFlight.createStatement()) {
                statement.executeQuery("SELECT last_position FROM " + database.prefix() + "log_head WHERE id = 1"
                        + " FOR UPDATE").close();
            }
            AggregateRef aggregate = fresh();
            Future<List<LoggedEvent>> append = thread.submit(() ->
                    log.append(aggregate, ExpectedVersion.NONE, List.of(event("Waited"))));

            awaitAnAppendWaitingForALock();
            assertThat(append.isDone()).as("the append waits while the head is held").isFalse();
            inFlight.commit();

            assertThat(append.get(30, TimeUnit.SECONDS)).extracting(LoggedEvent::position).containsExactly(head + 1);
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void concurrentAppendersNeverShowAReaderAPositionBeforeTheOnesBelowIt() throws Exception {
        int appenders = 4;
        int appendsEach = 40;
        long startHead = head();
        AtomicLong appended = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(appenders + 1);
        try {
            ContiguousPositions view = new ContiguousPositions(startHead);
            AtomicLong pagesWhileWriting = new AtomicLong();
            Future<Long> reader = threads.submit(() -> {
                long seen = 0;
                boolean last = false;
                while (!last) {
                    // one more full pass after the writers finished, so that the reader ends at the head
                    last = !writing.get();
                    LogPage page;
                    do {
                        page = log.read(LogQuery.all().after(view.last()).limit(LogQuery.MAX_LIMIT));
                        view.see(page.events().stream().map(LoggedEvent::position).toList());
                        seen += page.events().size();
                        if (!last && !page.events().isEmpty()) {
                            pagesWhileWriting.incrementAndGet();
                        }
                    } while (page.hasMore());
                }
                return seen;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                int appender = a;
                writers.add(threads.submit(() -> {
                    AggregateRef own = fresh();
                    for (int i = 0; i < appendsEach; i++) {
                        if (i % 5 == 4) {
                            // refused after it locked the head: its transaction rolls back and must leave no hole
                            try {
                                log.append(own, ExpectedVersion.NONE, List.of(event("Stale")));
                            } catch (ConcurrencyConflictException expected) {
                                continue;
                            }
                            throw new AssertionError("a stale append was not refused");
                        }
                        if (i % 7 == 6) {
                            List<AppendOutcome> outcomes = log.appendAll(List.of(
                                    new Append(own, ExpectedVersion.ANY, List.of(event("Batched"))),
                                    new Append(fresh(), ExpectedVersion.NONE, List.of(event("Batched"), event("Batched")))));
                            assertThat(outcomes).allMatch(outcome -> outcome instanceof AppendOutcome.Appended);
                            appended.addAndGet(3);
                            continue;
                        }
                        int events = 1 + (appender + i) % 3;
                        List<NewEvent> batch = new ArrayList<>();
                        for (int e = 0; e < events; e++) {
                            batch.add(event("Appended"));
                        }
                        log.append(own, ExpectedVersion.ANY, batch);
                        appended.addAndGet(events);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(120, TimeUnit.SECONDS);
            }
            writing.set(false);

            long seen = reader.get(60, TimeUnit.SECONDS);
            assertThat(seen).isEqualTo(appended.get());
            assertThat(view.last()).isEqualTo(head()).isEqualTo(startHead + appended.get());
            assertThat(pagesWhileWriting.get()).as("the reader read while the appenders wrote").isGreaterThan(5);
        } finally {
            writing.set(false);
            threads.shutdownNow();
        }
    }

    /** Polls the server (not the clock) until one of the adapter's connections waits for a lock; fails after 30 s. */
    private static void awaitAnAppendWaitingForALock() throws Exception {
        CompletableFuture<Void> deadline = new CompletableFuture<Void>().completeOnTimeout(null, 30, TimeUnit.SECONDS);
        try (Connection connection = database.connect();
             PreparedStatement waiting = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE application_name = 'eventsource' AND wait_event_type = 'Lock'")) {
            while (!deadline.isDone()) {
                try (ResultSet rows = waiting.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("no append waited for the log head within 30 s");
    }

    private static long head() throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT last_position FROM " + database.prefix() + "log_head")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long insertInto(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("INSERT INTO " + table + " DEFAULT VALUES RETURNING position")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<Long> positionsIn(String table) throws SQLException {
        List<Long> positions = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT position FROM " + table + " ORDER BY position")) {
            while (rows.next()) {
                positions.add(rows.getLong(1));
            }
        }
        return positions;
    }

    private static AggregateRef fresh() {
        return AggregateRef.of("Product", UUID.randomUUID().toString());
    }

    private static NewEvent event(String name) {
        return new NewEvent(EventId.random(), EventName.of(name), Payload.json("{}"), Map.of(), T0);
    }
}
