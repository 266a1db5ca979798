package io.eventsource.adapter.mysql;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import org.hibernate.SessionFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Appends/s and acks/s through the adapter beside plain JDBC writing the same rows into identical tables
 * (same migration, other prefix) of the same database, in one run. Not a test: run it with
 * {@code mvn -B -q -pl adapter-mysql -am -Dbenchmark process-test-classes} (arguments: acks, appends, threads
 * via {@code -Dbenchmark.args="20000 2000 4"}).
 *
 * <p>Appends: the adapter does one transaction per append (read the version, insert, commit), as the port
 * requires; beside it, plain JDBC doing the same per-append transaction, and plain JDBC inserting all the
 * rows in batches of 500 (what the log could never do for independent producers, but the floor of the
 * cost). Acks: callers record one ack each, as listeners do, and the adapter batches them; beside it,
 * plain JDBC inserting the same rows in batches of 500.
 */
public final class MySqlAdapterBenchmark {
    private static final int JDBC_BATCH = 500;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private MySqlAdapterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int acks = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int appends = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        try (TestDatabase database = TestDatabase.create()) {
            MySqlSettings settings = database.settings().withPoolSize(threads + 2);
            HibernateBootstrap.migrate(settings, new Tables("jdbc_"));
            // the same driver settings as the adapter's pool, batch rewriting included
            Jdbc jdbc = () -> DriverManager.getConnection(settings.jdbcUrl(), HibernateBootstrap.driverProperties(settings));
            SessionFactory sessionFactory = HibernateBootstrap.open(settings);
            try {
                HibernateEventLog log = new HibernateEventLog(sessionFactory, settings);
                // warm-up: class loading, JIT, the pool and the server's caches
                adapterAppends(log, "Warm", appends / 10, threads);
                jdbcAppendsPerTransaction(jdbc, "Warm", appends / 10, threads);
                try (HibernateAckStore store = new HibernateAckStore(sessionFactory, settings)) {
                    adapterAcks(store, "warm", acks / 10, threads);
                }
                jdbcAckBatches(jdbc, "warm", acks / 10);

                // alternating, so that neither side always runs while the server settles from the other
                double jdbcPerAppend = jdbcAppendsPerTransaction(jdbc, "Bench", appends / 2, threads);
                double adapterAppends = adapterAppends(log, "Bench", appends / 2, threads);
                jdbcPerAppend = (jdbcPerAppend + jdbcAppendsPerTransaction(jdbc, "Again", appends / 2, threads)) / 2;
                adapterAppends = (adapterAppends + adapterAppends(log, "Again", appends / 2, threads)) / 2;
                double jdbcAppendBatches = jdbcAppendBatches(jdbc, "Batch", appends);
                double adapterAcks;
                try (HibernateAckStore store = new HibernateAckStore(sessionFactory, settings)) {
                    adapterAcks = adapterAcks(store, "bench", acks, threads);
                }
                double jdbcAcks = jdbcAckBatches(jdbc, "bench", acks);

                System.out.printf(Locale.ROOT, "%nMySQL adapter benchmark on %s (%s), %d threads%n", settings.jdbcUrl(),
                        serverVersion(database), threads);
                System.out.printf(Locale.ROOT, "appends (1 event each): adapter %,10.0f /s | plain JDBC, same transactions %,10.0f /s"
                        + " (ratio %.2f) | plain JDBC, batches of %d %,10.0f /s (ratio %.2f)%n", adapterAppends, jdbcPerAppend,
                        adapterAppends / jdbcPerAppend, JDBC_BATCH, jdbcAppendBatches, adapterAppends / jdbcAppendBatches);
                System.out.printf(Locale.ROOT, "acks (1 per record call):  adapter %,10.0f /s | plain JDBC, batches of %d %,10.0f /s"
                        + " (ratio %.2f)%n", adapterAcks, JDBC_BATCH, jdbcAcks, adapterAcks / jdbcAcks);
            } finally {
                sessionFactory.close();
            }
        }
    }

    private static double adapterAppends(HibernateEventLog log, String type, int appends, int threads) throws Exception {
        return timed(appends, () -> inParallel(threads, thread -> {
            // a thread appends to the aggregates i % 200 with i = thread (mod threads): its own, so it knows their versions
            Map<String, Long> versions = new HashMap<>();
            for (int i = thread; i < appends; i += threads) {
                String id = "a" + (i % 200);
                long version = versions.getOrDefault(id, 0L);
                log.append(AggregateRef.of(type, id), ExpectedVersion.exactly(version), List.of(event(i)));
                versions.put(id, version + 1);
            }
        }));
    }

    private static double jdbcAppendsPerTransaction(Jdbc database, String type, int appends, int threads) throws Exception {
        return timed(appends, () -> inParallel(threads, thread -> {
            try (Connection connection = database.connect()) {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                for (int i = thread; i < appends; i += threads) {
                    String id = "a" + (i % 200);
                    long version;
                    try (PreparedStatement select = connection.prepareStatement("SELECT COALESCE(MAX(aggregate_sequence), 0)"
                            + " FROM jdbc_event WHERE aggregate_type = ? AND aggregate_id = ?")) {
                        select.setString(1, type);
                        select.setString(2, id);
                        try (ResultSet rows = select.executeQuery()) {
                            rows.next();
                            version = rows.getLong(1);
                        }
                    }
                    try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
                        bindEvent(insert, type, id, version + 1, event(i));
                        insert.executeUpdate();
                    }
                    connection.commit();
                }
            }
        }));
    }

    private static double jdbcAppendBatches(Jdbc database, String type, int appends) throws Exception {
        return timed(appends, () -> {
            try (Connection connection = database.connect()) {
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
                    for (int i = 0; i < appends; i++) {
                        bindEvent(insert, type, "a" + (i % 200), i / 200 + 1, event(i));
                        insert.addBatch();
                        if ((i + 1) % JDBC_BATCH == 0 || i == appends - 1) {
                            insert.executeBatch();
                            connection.commit();
                        }
                    }
                }
            }
        });
    }

    private static double adapterAcks(HibernateAckStore store, String service, int acks, int threads) throws Exception {
        List<CompletableFuture<Void>> recorded = new ArrayList<>(acks);
        return timed(acks, () -> {
            inParallel(threads, thread -> {
                List<CompletableFuture<Void>> mine = new ArrayList<>();
                for (int i = thread; i < acks; i += threads) {
                    mine.add(store.record(List.of(ack(service, i))).toCompletableFuture());
                }
                synchronized (recorded) {
                    recorded.addAll(mine);
                }
            });
            CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        });
    }

    private static double jdbcAckBatches(Jdbc database, String service, int acks) throws Exception {
        return timed(acks, () -> {
            try (Connection connection = database.connect()) {
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jdbc_ack (event_id, service, projection,"
                        + " status, attempts, last_error, aggregate_type, aggregate_id, aggregate_sequence, acked_at_ns)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = 0; i < acks; i++) {
                        Ack ack = ack(service, i);
                        insert.setString(1, ack.key().eventId().value());
                        insert.setString(2, ack.key().service().value());
                        insert.setString(3, ack.key().projection().value());
                        insert.setString(4, ack.status().name());
                        insert.setInt(5, ack.attempts());
                        insert.setString(6, ack.lastError());
                        insert.setString(7, ack.aggregate().type().value());
                        insert.setString(8, ack.aggregate().id().value());
                        insert.setLong(9, ack.sequence());
                        insert.setLong(10, Timestamps.toColumn(ack.at(), "at"));
                        insert.addBatch();
                        if ((i + 1) % JDBC_BATCH == 0 || i == acks - 1) {
                            insert.executeBatch();
                            connection.commit();
                        }
                    }
                }
            }
        });
    }

    private static final String INSERT_EVENT = "INSERT INTO jdbc_event (event_id, aggregate_type, aggregate_id,"
            + " aggregate_sequence, name, payload, content_type, metadata, occurred_at_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static void bindEvent(PreparedStatement insert, String type, String id, long sequence, NewEvent event)
            throws SQLException {
        insert.setString(1, event.id().value());
        insert.setString(2, type);
        insert.setString(3, id);
        insert.setLong(4, sequence);
        insert.setString(5, event.name().value());
        insert.setBytes(6, event.payload().bytes());
        insert.setString(7, event.payload().contentType());
        insert.setString(8, MetadataJson.write(event.metadata()));
        insert.setLong(9, Timestamps.toColumn(event.occurredAt(), "at"));
    }

    private static NewEvent event(int i) {
        return new NewEvent(EventId.random(), EventName.of("PriceChanged"),
                Payload.json("{\"sku\":\"" + i + "\",\"price\":" + (1000 + i) + ",\"currency\":\"EUR\"}"),
                Map.of("correlation", "c-" + i), T0.plusMillis(i));
    }

    private static Ack ack(String service, int i) {
        return new Ack(new AckKey(EventId.of("ev-" + service + "-" + i), ServiceName.of(service), Projection.of("projections")),
                AckStatus.OK, 1, "", AggregateRef.of("Product", "p" + (i % 500)), i + 1L, T0.plusMillis(i));
    }

    private interface Jdbc {
        Connection connect() throws SQLException;
    }

    private interface Work {
        void run() throws Exception;
    }

    private interface ThreadWork {
        void run(int thread) throws Exception;
    }

    private static double timed(int operations, Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        return operations / seconds;
    }

    private static void inParallel(int threads, ThreadWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    work.run(thread);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String serverVersion(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            return connection.getMetaData().getDatabaseProductVersion();
        }
    }

    static {
        // keep the benchmark's output readable
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
}
