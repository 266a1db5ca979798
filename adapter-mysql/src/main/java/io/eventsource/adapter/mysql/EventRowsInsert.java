package io.eventsource.adapter.mysql;

import io.eventsource.adapter.mysql.entity.EventRow;
import org.hibernate.StatelessSession;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Inserts a batch's event rows with one multi-row {@code INSERT} per chunk, in the session's transaction, and reads
 * their positions back: Hibernate cannot batch inserts whose key is an IDENTITY, so each row would cost a round trip.
 *
 * <p>The positions are what mysql-connector-j's {@code getGeneratedKeys} returns per row. The server sends only the
 * statement's first AUTO_INCREMENT value; the driver adds {@code @@auto_increment_increment} per row. That is
 * right because a multi-row {@code INSERT ... VALUES} that gives no position is a "simple insert", for which InnoDB
 * reserves all the statement's values at once: consecutive under {@code innodb_autoinc_lock_mode} 0 and 1 (the
 * AUTO-INC lock or mutex is held while they are reserved), and under 2 too, where only "bulk inserts"
 * ({@code INSERT ... SELECT}, {@code LOAD DATA}) may get gaps (MySQL 8 reference manual, "AUTO_INCREMENT Handling in
 * InnoDB"; MariaDB 10.11 the same). The rows keep the order of the list, so an aggregate's sequences get increasing
 * positions. A key count other than the row count fails the insert, and with it the transaction.
 */
final class EventRowsInsert {
    /** Rows in one statement at most. */
    static final int ROWS_PER_STATEMENT = 500;
    /** What a row's columns other than payload and metadata may take in the statement, escaped, at most. */
    private static final int ROW_OVERHEAD = 4_096;
    private static final String COLUMNS = " (event_id, aggregate_type, aggregate_id, aggregate_sequence, name, payload,"
            + " content_type, metadata, occurred_at_ns) VALUES ";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final String table;
    private final long bytesPerStatement;

    /**
     * @param table             the event table's name, as {@link Tables#event()} gives it
     * @param bytesPerStatement how large a statement may grow before the next one starts (one row always goes)
     */
    EventRowsInsert(String table, long bytesPerStatement) {
        this.table = table;
        this.bytesPerStatement = bytesPerStatement;
    }

    /** Inserts the rows, in chunks, and returns their positions in the order of the rows. */
    List<Long> insert(StatelessSession session, List<EventRow> rows) {
        List<Long> positions = new ArrayList<>(rows.size());
        if (rows.isEmpty()) {
            return positions;
        }
        session.doWork(connection -> {
            int from = 0;
            while (from < rows.size()) {
                int to = from + 1;
                long bytes = bytes(rows.get(from));
                while (to < rows.size() && to - from < ROWS_PER_STATEMENT) {
                    long next = bytes(rows.get(to));
                    if (bytes + next > bytesPerStatement) {
                        break;
                    }
                    bytes += next;
                    to++;
                }
                positions.addAll(insertChunk(connection, rows.subList(from, to)));
                from = to;
            }
        });
        return positions;
    }

    private List<Long> insertChunk(Connection connection, List<EventRow> rows) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(COLUMNS);
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(ROW);
        }
        try (PreparedStatement insert = connection.prepareStatement(sql.toString(), Statement.RETURN_GENERATED_KEYS)) {
            int parameter = 1;
            for (EventRow row : rows) {
                insert.setString(parameter++, row.eventId());
                insert.setString(parameter++, row.aggregateType());
                insert.setString(parameter++, row.aggregateId());
                insert.setLong(parameter++, row.sequence());
                insert.setString(parameter++, row.name());
                insert.setBytes(parameter++, row.payload());
                insert.setString(parameter++, row.contentType());
                insert.setString(parameter++, row.metadata());
                insert.setLong(parameter++, row.occurredAt());
            }
            int inserted = insert.executeUpdate();
            List<Long> positions = new ArrayList<>(rows.size());
            try (ResultSet keys = insert.getGeneratedKeys()) {
                while (keys.next()) {
                    positions.add(keys.getLong(1));
                }
            }
            if (inserted != rows.size() || positions.size() != rows.size()) {
                throw new IllegalStateException("inserting " + rows.size() + " event rows into " + table + " reported "
                        + inserted + " rows and " + positions.size() + " generated positions; nothing is committed");
            }
            for (int i = 1; i < positions.size(); i++) {
                if (positions.get(i) <= positions.get(i - 1)) {
                    throw new IllegalStateException("inserting " + rows.size() + " event rows into " + table
                            + " got positions that do not increase in row order: " + positions.get(i - 1) + ", "
                            + positions.get(i) + "; nothing is committed");
                }
            }
            return positions;
        }
    }

    /** A bound on the row's share of the statement: binary and text may be escaped to twice their size. */
    private static long bytes(EventRow row) {
        return 2L * row.payload().length + 2L * row.metadata().getBytes(StandardCharsets.UTF_8).length + ROW_OVERHEAD;
    }
}
