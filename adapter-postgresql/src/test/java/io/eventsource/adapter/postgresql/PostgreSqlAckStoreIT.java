package io.eventsource.adapter.postgresql;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.TransientPortException;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the PostgreSQL ack store adds to the contract: batching, merging in SQL, a connection killed mid-write. */
class PostgreSqlAckStoreIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");
    private static final Projection PROJECTION = Projection.of("projections");
    private static TestDatabase database;
    private static SessionFactory sessionFactory;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        sessionFactory = HibernateBootstrap.open(database.settings());
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
    void mergesLikeTheDomainRuleOkStaysOkAttemptsAddUp() {
        try (HibernateAckStore store = store(500, 0)) {
            ServiceName service = freshService();
            AggregateRef aggregate = AggregateRef.of("Product", "42");
            Ack failed = ack(service, "e1", AckStatus.FAIL, 2, "boom", aggregate, 1, T0);
            Ack okLater = ack(service, "e1", AckStatus.OK, 1, "", aggregate, 1, T0.plusSeconds(5));
            Ack failAfterOk = ack(service, "e1", AckStatus.FAIL, 4, "late", aggregate, 1, T0.plusSeconds(9));

            join(store.record(List.of(failed)));
            assertThat(store.find(List.of(failed.key()))).containsExactly(Map.entry(failed.key(), failed));
            join(store.record(List.of(okLater)));
            join(store.record(List.of(failAfterOk)));

            Ack expected = failed.mergedWith(okLater).mergedWith(failAfterOk);
            assertThat(store.find(List.of(failed.key())).get(failed.key())).isEqualTo(expected);
            assertThat(expected.status()).isEqualTo(AckStatus.OK);
            assertThat(expected.attempts()).isEqualTo(3);
        }
    }

    @Test
    void acksOfOneKeyInOneBatchMergeInTheirOrder() {
        try (HibernateAckStore store = store(500, 50)) {
            ServiceName service = freshService();
            AggregateRef aggregate = AggregateRef.of("Product", "7");
            Ack first = ack(service, "e1", AckStatus.FAIL, 1, "one", aggregate, 3, T0);
            Ack second = ack(service, "e1", AckStatus.FAIL, 1, "two", aggregate, 3, T0.plusSeconds(1));
            Ack third = ack(service, "e1", AckStatus.OK, 1, "", aggregate, 3, T0.plusSeconds(2));

            CompletableFuture.allOf(store.record(List.of(first, second)).toCompletableFuture(),
                    store.record(List.of(third)).toCompletableFuture()).join();

            assertThat(store.find(List.of(first.key())).get(first.key()))
                    .isEqualTo(first.mergedWith(second).mergedWith(third));
        }
    }

    @Test
    void manyCallersAllCompleteAndEachHearsOnlyOnceItsAckIsDurable() throws Exception {
        try (HibernateAckStore store = store(500, 5)) {
            ServiceName service = freshService();
            AggregateRef aggregate = AggregateRef.of("Order", "1");
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            List<AckKey> keys = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                Ack ack = ack(service, "e" + i, AckStatus.OK, 1, "", aggregate, i + 1, T0);
                keys.add(ack.key());
                CompletableFuture<Void> call = store.record(List.of(ack)).toCompletableFuture();
                // a sample: looking from another connection is slow
                calls.add(i % 100 != 0 ? call : call.thenRun(() -> assertThat(countAcks(service, List.of(ack.key().eventId().value())))
                        .as("ack %s is durable when its stage completes", ack.key()).isEqualTo(1)));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(store.find(keys)).hasSize(2_000);
            assertThat(store.lastSequence(service, PROJECTION, aggregate)).isEqualTo(2_000);
            assertThat(store.lastSequence(service, Projection.of("other"), aggregate)).isZero();
        }
    }

    @Test
    void aBatchSurvivesItsConnectionKilledMidWriteByRetryingAndCountsEachAttemptOnce() throws Exception {
        try (HibernateAckStore store = store(500, 0)) {
            ServiceName service = freshService();
            List<Ack> batch = batch(service, 200);

            try (Connection blocker = database.connect()) {
                CompletableFuture<Void> recorded = blockAndKill(store, batch, blocker);
                recorded.get(30, TimeUnit.SECONDS);
            }

            Map<AckKey, Ack> stored = store.find(batch.stream().map(Ack::key).toList());
            assertThat(stored).hasSize(200);
            assertThat(stored.values()).allSatisfy(ack -> assertThat(ack.attempts()).isEqualTo(1));
        }
    }

    @Test
    void aBatchWhoseConnectionIsKilledIsReportedAndNothingOfItIsRecorded() throws Exception {
        try (HibernateAckStore store = new HibernateAckStore(sessionFactory,
                database.settings().withAckBatching(500, Duration.ZERO), 0)) {
            ServiceName service = freshService();
            List<Ack> batch = batch(service, 200);

            try (Connection blocker = database.connect()) {
                CompletableFuture<Void> recorded = blockAndKill(store, batch, blocker);
                assertThatThrownBy(() -> recorded.get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TransientPortException.class)
                        .hasMessageContaining("record 200 acks");
            }

            assertThat(countAcks(service, batch.stream().map(ack -> ack.key().eventId().value()).toList())).isZero();
            assertThat(store.find(batch.stream().map(Ack::key).toList())).isEmpty();
            // the store goes on working after the failure
            store.record(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(store.find(batch.stream().map(Ack::key).toList())).hasSize(200);
        }
    }

    @Test
    void answersTheSweepersAndTheReplayersQuestions() {
        try (HibernateAckStore store = store(500, 0)) {
            ServiceName service = freshService();
            AggregateRef aggregate = AggregateRef.of("Product", "9");
            Ack oldFailure = ack(service, "f1", AckStatus.FAIL, 3, "x".repeat(Ack.MAX_ERROR_LENGTH + 50), aggregate, 1, T0);
            Ack newFailure = ack(service, "f2", AckStatus.FAIL, 1, "again", aggregate, 2, T0.plusSeconds(1));
            Ack ok = ack(service, "f3", AckStatus.OK, 1, "", aggregate, 3, T0.plusSeconds(2));
            join(store.record(List.of(newFailure, ok, oldFailure)));

            assertThat(store.failures(service, PROJECTION, 10)).containsExactly(oldFailure, newFailure);
            assertThat(store.failures(service, PROJECTION, 1)).containsExactly(oldFailure);
            assertThat(store.failures(service, PROJECTION, 10).get(0).lastError()).hasSize(Ack.MAX_ERROR_LENGTH);
            assertThat(store.acknowledged(service, PROJECTION, List.of(EventId.of("f1"), EventId.of("f3"), EventId.of("nope"))))
                    .containsExactlyInAnyOrder(EventId.of("f1"), EventId.of("f3"));
            assertThat(store.lastSequence(service, PROJECTION, aggregate)).isEqualTo(3);
        }
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterCallsFail() {
        HibernateAckStore store = store(500, 200);
        ServiceName service = freshService();
        List<Ack> batch = batch(service, 50);
        CompletableFuture<Void> queued = store.record(batch).toCompletableFuture();

        store.close();

        assertThat(queued).isCompleted();
        join(queued);
        assertThat(countAcks(service, batch.stream().map(ack -> ack.key().eventId().value()).toList())).isEqualTo(50);
        assertThatThrownBy(() -> join(store.record(batch(service, 1))))
                .hasCauseInstanceOf(PermanentPortException.class)
                .hasMessageContaining("closed");
    }

    /** Holds a row lock the batch needs, waits for the writer's statement to block on it, kills that connection. */
    private static CompletableFuture<Void> blockAndKill(HibernateAckStore store, List<Ack> batch, Connection blocker)
            throws Exception {
        Ack last = batch.get(batch.size() - 1);
        blocker.setAutoCommit(false);
        try (PreparedStatement insert = blocker.prepareStatement("INSERT INTO " + database.prefix() + "ack (event_id, service, projection, status,"
                + " attempts, last_error, aggregate_type, aggregate_id, aggregate_sequence, acked_at_ns)"
                + " VALUES (?, ?, ?, 'FAIL', 1, '', 'Product', '1', 1, 0)")) {
            insert.setString(1, last.key().eventId().value());
            insert.setString(2, last.key().service().value());
            insert.setString(3, last.key().projection().value());
            insert.executeUpdate();
        }
        CompletableFuture<Void> recorded = store.record(batch).toCompletableFuture();
        long writer;
        // a connection of its own: within the blocker's transaction, pg_stat_activity would stay as first read
        try (Connection observer = database.connect()) {
            writer = waitForBlockedWriter(observer);
        }
        try (PreparedStatement kill = blocker.prepareStatement("SELECT pg_terminate_backend(?::int)")) {
            kill.setLong(1, writer);
            kill.executeQuery().close();
        }
        blocker.rollback();
        return recorded;
    }

    private static long waitForBlockedWriter(Connection observer) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try (PreparedStatement find = observer.prepareStatement("SELECT pid FROM pg_stat_activity"
                    + " WHERE pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE ?")) {
                find.setString(1, "INSERT INTO " + database.prefix() + "ack%");
                try (ResultSet rows = find.executeQuery()) {
                    if (rows.next()) {
                        return rows.getLong(1);
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the ack writer's INSERT never showed up waiting for a lock in pg_stat_activity");
    }

    @Test
    void anErrorTextWithANulCharacterIsStoredWithTheReplacementCharacterInstead() {
        try (HibernateAckStore store = store(500, 0)) {
            ServiceName service = freshService();
            Ack failed = ack(service, "nul", AckStatus.FAIL, 1, "bad byte \u0000 here", AggregateRef.of("Product", "n"),
                    1, T0);

            join(store.record(List.of(failed)));

            assertThat(store.find(List.of(failed.key())).get(failed.key()).lastError()).isEqualTo("bad byte \uFFFD here");
        }
    }

    @Test
    void readsTheLastSequencesOfThreeBindingsWithOneStatement() {
        try (SessionFactory fresh = HibernateBootstrap.open(database.settings());
             HibernateAckStore store = new HibernateAckStore(fresh, database.settings())) {
            ServiceName service = freshService();
            AggregateRef aggregate = AggregateRef.of("Product", "last-" + service.value());
            Binding projections = new Binding(service, aggregate.type(), PROJECTION);
            Binding search = new Binding(service, aggregate.type(), Projection.of("search"));
            Binding audit = new Binding(service, aggregate.type(), Projection.of("audit"));
            join(store.record(List.of(ack(service, "l1", AckStatus.OK, 1, "", aggregate, 1, T0),
                    ack(service, "l3", AckStatus.FAIL, 1, "x", aggregate, 3, T0),
                    new Ack(new AckKey(EventId.of("l2"), service, search.projection()), AckStatus.OK, 1, "", aggregate, 2,
                            T0))));

            Map<Binding, Long> last;
            String sent;
            // the statement runs in plain JDBC, which Hibernate's statistics do not see: the driver's log of what it
            // sends does. The driver sends a query's text with its Parse message until it has server-prepared the
            // text on that connection (after 5 runs), and the connections of a fresh SessionFactory have run none.
            try (CapturedOutput driver = CapturedOutput.start("org.postgresql")) {
                last = store.lastSequences(List.of(projections, search, audit), aggregate);
                sent = driver.text();
            }

            assertThat(sent.lines().filter(line -> line.contains("FE=> Parse(")
                    && line.contains("FROM " + database.prefix() + "ack"))).as("statements for three bindings")
                    .hasSize(1);
            assertThat(last).containsOnly(Map.entry(projections, 3L), Map.entry(search, 2L), Map.entry(audit, 0L));
        }
    }

    private static long countAcks(ServiceName service, List<String> eventIds) {
        try (Connection connection = database.connect();
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + database.prefix() + "ack WHERE service = ? AND event_id IN ("
                     + String.join(",", eventIds.stream().map(id -> "?").toList()) + ")")) {
            count.setString(1, service.value());
            for (int i = 0; i < eventIds.size(); i++) {
                count.setString(i + 2, eventIds.get(i));
            }
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HibernateAckStore store(int batchSize, int flushMillis) {
        return new HibernateAckStore(sessionFactory, database.settings().withAckBatching(batchSize, Duration.ofMillis(flushMillis)));
    }

    private static List<Ack> batch(ServiceName service, int size) {
        AggregateRef aggregate = AggregateRef.of("Product", "b");
        return IntStream.range(0, size)
                .mapToObj(i -> ack(service, String.format("k%05d", i), AckStatus.OK, 1, "", aggregate, i + 1, T0))
                .toList();
    }

    private static ServiceName freshService() {
        return ServiceName.of("svc-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static Ack ack(ServiceName service, String eventId, AckStatus status, int attempts, String error,
                           AggregateRef aggregate, long sequence, Instant at) {
        return new Ack(new AckKey(EventId.of(eventId), service, PROJECTION), status, attempts, error, aggregate, sequence, at);
    }

    private static void join(java.util.concurrent.CompletionStage<Void> stage) {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
