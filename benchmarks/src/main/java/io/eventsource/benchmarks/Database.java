package io.eventsource.benchmarks;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.EventId;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The run's tables over plain JDBC: the ceiling for acks (batched inserts into a copy of the ack table), counting the
 * acks that the listeners wrote, and dropping the tables at the end. Connects as the adapter does (same URL, user and
 * driver options, batch rewriting included), so that the only difference measured is the library.
 */
final class Database {
    /** Rows per JDBC batch and per commit, as the adapter's default ack batch. */
    static final int BATCH = MySqlSettings.DEFAULT_ACK_BATCH_SIZE;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final MySqlSettings settings;

    Database(MySqlSettings settings) {
        this.settings = settings;
    }

    Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        // the adapter's driver options (HibernateBootstrap.driverProperties), TLS as the settings choose it
        properties.setProperty("sslMode", settings.tls().name());
        properties.setProperty("characterEncoding", "UTF-8");
        properties.setProperty("rewriteBatchedStatements", "true");
        properties.setProperty("cachePrepStmts", "true");
        properties.setProperty("prepStmtCacheSize", "250");
        properties.setProperty("prepStmtCacheSqlLimit", "16384");
        properties.setProperty("useLocalSessionState", "true");
        properties.setProperty("cacheServerConfiguration", "true");
        properties.setProperty("maintainTimeStats", "false");
        return DriverManager.getConnection(settings.jdbcUrl(), properties);
    }

    String ackTable() {
        return settings.tablePrefix() + "ack";
    }

    /** The acks with status ok of an aggregate type, every binding's. */
    long okAcks(Connection connection, AggregateType type) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM " + ackTable()
                + " WHERE aggregate_type = ? AND status = 'OK'")) {
            query.setString(1, type.value());
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /**
     * The ceiling for acks: one connection inserts the rows into a table like the ack table, {@value #BATCH} rows per
     * batch and per commit.
     *
     * @return rows per second
     */
    double insertAcks(List<Ack> acks) throws SQLException {
        String table = settings.tablePrefix() + "jdbc_ack";
        try (Connection connection = connect()) {
            try (Statement statement = connection.createStatement()) {
                // the same columns, keys and indexes as the adapter's table, made by its migration
                statement.execute("CREATE TABLE IF NOT EXISTS " + table + " LIKE " + ackTable());
            }
            connection.setAutoCommit(false);
            long started = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (event_id, service,"
                    + " projection, status, attempts, last_error, aggregate_type, aggregate_id, aggregate_sequence,"
                    + " acked_at_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < acks.size(); i++) {
                    Ack ack = acks.get(i);
                    insert.setString(1, ack.key().eventId().value());
                    insert.setString(2, ack.key().service().value());
                    insert.setString(3, ack.key().projection().value());
                    insert.setString(4, ack.status().name());
                    insert.setInt(5, ack.attempts());
                    insert.setString(6, ack.lastError());
                    insert.setString(7, ack.aggregate().type().value());
                    insert.setString(8, ack.aggregate().id().value());
                    insert.setLong(9, ack.sequence());
                    insert.setLong(10, ack.at().getEpochSecond() * 1_000_000_000L + ack.at().getNano());
                    insert.addBatch();
                    if ((i + 1) % BATCH == 0 || i == acks.size() - 1) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
            }
            return acks.size() / RawAmqp.seconds(System.nanoTime() - started);
        }
    }

    /** Ok acks of one binding for fresh events, as a listener writes them: one per event, aggregates round robin. */
    static List<Ack> acks(String service, int count) {
        List<Ack> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            acks.add(new Ack(new AckKey(EventId.timeOrdered(Instant.now()), ServiceName.of(service), Projection.of("view")),
                    AckStatus.OK, 1, "", AggregateRef.of("AckBench", "p-" + (i % 500)), i / 500 + 1L,
                    T0.plusMillis(i)));
        }
        return acks;
    }

    /** Drops every table under the run's prefix. */
    List<String> dropTables() throws SQLException {
        String prefix = settings.tablePrefix();
        List<String> tables = new ArrayList<>();
        try (Connection connection = connect()) {
            try (PreparedStatement query = connection.prepareStatement("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = DATABASE() AND LEFT(table_name, ?) = ?")) {
                query.setInt(1, prefix.length());
                query.setString(2, prefix);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        tables.add(rows.getString(1));
                    }
                }
            }
            try (Statement statement = connection.createStatement()) {
                for (String table : tables) {
                    // names read from the catalog, under a prefix that MySqlSettings validated
                    statement.execute("DROP TABLE IF EXISTS `" + table + "`");
                }
            }
        }
        return tables;
    }
}
