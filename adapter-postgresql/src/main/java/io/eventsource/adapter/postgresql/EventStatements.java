package io.eventsource.adapter.postgresql;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import io.eventsource.ports.SequenceRange.Window;
import org.hibernate.StatelessSession;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The event log's statements on the hot paths in plain JDBC, in the session's transaction: events by aggregate and
 * sequence range (every delivery is checked against the log), the versions of a batch's aggregates and the mark of
 * what was published (every publish batch), and the pages of the log that the sweepers read. Through Hibernate each
 * execution paid a translation of the query that cost more CPU than the database took to answer it (the same
 * statements in the MySQL adapter, profiled with JFR in the benchmark's partitioned cold phase: Hibernate's query
 * translation led the listeners' CPU samples). The text of the range read and of the mark changes with the number of
 * windows or ids; their lists are padded ({@link ListShapes}), so that a few texts serve every batch and the driver,
 * once a text has run {@code prepareThreshold} times on a connection, runs it server-prepared rather than have the
 * server parse and plan it again. The versions take their ids as one array parameter: a single text. Every value is a
 * parameter; only the validated table name is joined into the text.
 *
 * <p>The identifier columns are {@code COLLATE "C"}; a parameter (or an element of an array parameter) compared with
 * one takes the column's collation, so the comparisons are the ones the constraints' indexes are sorted by, and those
 * indexes serve them.
 */
final class EventStatements {
    private static final String COLUMNS = "global_position, event_id, aggregate_type, aggregate_id, aggregate_sequence,"
            + " name, payload, content_type, metadata, occurred_at_ns, published_at_ns";

    private final String table;
    /**
     * The ids are one array parameter, unnested into the rows that the lateral subquery runs for: one text for any
     * number of ids, with no padding. An id without events has no row in the subquery, so the join leaves it out of
     * the answer.
     */
    private final String versionsSql;

    /** @param table the event table's name, as {@link Tables#event()} gives it */
    EventStatements(String table) {
        this.table = table;
        this.versionsSql = "SELECT k.id, last.aggregate_sequence FROM unnest(?::varchar[]) AS k(id)"
                + " CROSS JOIN LATERAL (SELECT e.aggregate_sequence FROM " + table + " e"
                + " WHERE e.aggregate_type = ? AND e.aggregate_id = k.id"
                + " ORDER BY e.aggregate_sequence DESC LIMIT 1) AS last";
    }

    /**
     * The events in the ranges (none of them empty), in no particular order: one range scan of the unique index on
     * (aggregate_type, aggregate_id, aggregate_sequence) per range. Ranges of one type with the same first and last
     * sequence ({@link SequenceRange#windows}: a listener reads the same window of many aggregates) are asked as one
     * term, {@code (aggregate_type = ? AND aggregate_sequence BETWEEN ? AND ? AND aggregate_id = ANY (?))} with the ids
     * as one array parameter, which the index scan takes as a list of keys; the terms are joined by {@code OR} (a
     * BitmapOr of index scans, once the table is larger than a few pages).
     */
    List<LoggedEvent> inRanges(StatelessSession session, List<SequenceRange> ranges) {
        return session.doReturningWork(connection -> inRanges(connection, ranges));
    }

    /**
     * {@link #inRanges(StatelessSession, List)} on a connection: the session's, or a test's that explains what runs on
     * it.
     */
    List<LoggedEvent> inRanges(Connection connection, List<SequenceRange> ranges) throws SQLException {
        List<Window> windows = SequenceRange.windows(ranges);
        try (PreparedStatement select = connection.prepareStatement(inRangesSql(table, windows.size()))) {
            int parameter = 1;
            for (int i = 0, terms = ListShapes.padded(windows.size()); i < terms; i++) {
                Window window = ListShapes.at(windows, i);
                select.setString(parameter++, window.type().value());
                select.setLong(parameter++, window.fromSequence());
                select.setLong(parameter++, window.toSequence());
                select.setArray(parameter++, connection.createArrayOf("varchar",
                        window.ids().stream().map(AggregateId::value).toArray()));
            }
            List<LoggedEvent> events = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(logged(rows));
                }
            }
            return events;
        }
    }

    /**
     * The text of {@link #inRanges} for {@code windows} windows: a term per window, padded with copies of the last
     * ({@link ListShapes}), so that a listener's reads run a few texts whatever the number of aggregates in each.
     */
    static String inRangesSql(String table, int windows) {
        int terms = ListShapes.padded(windows);
        StringBuilder sql = new StringBuilder(96 + terms * 100).append("SELECT ").append(COLUMNS)
                .append(" FROM ").append(table).append(" WHERE ");
        for (int i = 0; i < terms; i++) {
            sql.append(i == 0 ? "" : " OR ").append("(aggregate_type = ? AND aggregate_sequence BETWEEN ? AND ?")
                    .append(" AND aggregate_id = ANY (?::varchar[]))");
        }
        return sql.toString();
    }

    /**
     * Puts the version (highest sequence) of each aggregate of {@code type} with one of {@code ids} that has events
     * into {@code versions}; an aggregate without events is left out. One query that reads, per id, one entry of the
     * unique index on (aggregate_type, aggregate_id, aggregate_sequence): the aggregate's last, by a backward scan
     * that {@code LIMIT 1} stops there, whatever the length of the aggregate's history. PostgreSQL has no loose index
     * scan, so a {@code MAX} grouped by id read every entry of every aggregate asked for: an append to an aggregate of
     * 10,000 events read 10,000 entries.
     */
    void versions(StatelessSession session, AggregateType type, List<String> ids, Map<AggregateRef, Long> versions) {
        session.doWork(connection -> versions(connection, type, ids, versions));
    }

    /**
     * {@link #versions(StatelessSession, AggregateType, List, Map)} on a connection: the session's, or a test's that
     * explains what runs on it.
     */
    void versions(Connection connection, AggregateType type, List<String> ids, Map<AggregateRef, Long> versions)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(versionsSql)) {
            select.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
            select.setString(2, type.value());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    versions.put(new AggregateRef(type, AggregateId.of(rows.getString(1))), rows.getLong(2));
                }
            }
        }
    }

    /**
     * Marks the events with these ids published at {@code publishedAt} (nanoseconds) where they are not yet: the first
     * publication stands, and marking again changes nothing. One statement, on the unique index of the id.
     */
    void markPublished(StatelessSession session, List<String> ids, long publishedAt) {
        int padded = ListShapes.padded(ids.size());
        String sql = "UPDATE " + table + " SET published_at_ns = ? WHERE published_at_ns IS NULL AND event_id IN ("
                + ListShapes.placeholders(padded) + ")";
        session.doWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                update.setLong(1, publishedAt);
                for (int i = 0; i < padded; i++) {
                    update.setString(i + 2, ListShapes.at(ids, i));
                }
                update.executeUpdate();
            }
        });
    }

    /**
     * A page of the log by position ({@link io.eventsource.ports.EventLog#read(LogQuery)}): up to {@code limit + 1}
     * events after the query's position that pass its filters, in position order; the one past the limit tells that
     * there is more. The sweeper of every listener reads the log this way, each event once more after its grace period.
     */
    List<LoggedEvent> page(StatelessSession session, LogQuery query) {
        StringBuilder sql = new StringBuilder(256).append("SELECT ").append(COLUMNS).append(" FROM ").append(table)
                .append(" WHERE global_position > ?");
        if (query.type() != null) {
            sql.append(" AND aggregate_type = ?");
        }
        if (query.id() != null) {
            sql.append(" AND aggregate_id = ?");
        }
        if (query.occurredFrom() != null) {
            sql.append(" AND occurred_at_ns >= ?");
        }
        if (query.occurredBefore() != null) {
            sql.append(" AND occurred_at_ns < ?");
        }
        sql.append(" ORDER BY global_position LIMIT ?");
        return session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                int parameter = 1;
                select.setLong(parameter++, query.afterPosition());
                if (query.type() != null) {
                    select.setString(parameter++, query.type().value());
                }
                if (query.id() != null) {
                    select.setString(parameter++, query.id().value());
                }
                if (query.occurredFrom() != null) {
                    select.setLong(parameter++, Timestamps.bound(query.occurredFrom()));
                }
                if (query.occurredBefore() != null) {
                    select.setLong(parameter++, Timestamps.bound(query.occurredBefore()));
                }
                select.setInt(parameter, query.limit() + 1);
                List<LoggedEvent> events = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        events.add(logged(rows));
                    }
                }
                return events;
            }
        });
    }

    private static LoggedEvent logged(ResultSet row) throws SQLException {
        long position = row.getLong(1);
        String eventId = row.getString(2);
        String type = row.getString(3);
        String id = row.getString(4);
        long sequence = row.getLong(5);
        String name = row.getString(6);
        byte[] payload = row.getBytes(7); // BYTEA: the driver gives the stored bytes
        String contentType = row.getString(8);
        String metadata = row.getString(9); // TEXT: the JSON the adapter wrote
        long occurredAt = row.getLong(10);
        long publishedAt = row.getLong(11);
        return HibernateEventLog.toLogged(position, eventId, type, id, sequence, name, payload, contentType, metadata,
                occurredAt, row.wasNull() ? null : publishedAt);
    }
}
