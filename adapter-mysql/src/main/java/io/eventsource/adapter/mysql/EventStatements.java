package io.eventsource.adapter.mysql;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import io.eventsource.ports.SequenceRange.Window;
import org.hibernate.StatelessSession;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The event log's statements on the hot paths in plain JDBC, in the session's transaction: events by aggregate and
 * sequence range (every delivery is checked against the log), the versions of a batch's aggregates and the mark of
 * what was published (every publish batch), and the pages of the log that the sweepers read. The text of each
 * changes with the number of ranges or ids, and through Hibernate each execution paid a translation of the query
 * that cost more CPU than the database took to answer it (the benchmark's partitioned cold phase, profiled with JFR:
 * Hibernate's query translation led the listeners' CPU samples). Their lists are padded ({@link ListShapes}), so that a few texts serve every batch and the driver parses
 * each once. Every value is a parameter; only the validated table name is joined into the text.
 */
final class EventStatements {
    private static final String COLUMNS = "global_position, event_id, aggregate_type, aggregate_id, aggregate_sequence,"
            + " name, payload, content_type, metadata, occurred_at_ns, published_at_ns";

    private final String table;

    /** @param table the event table's name, as {@link Tables#event()} gives it */
    EventStatements(String table) {
        this.table = table;
    }

    /**
     * The events in the ranges (none of them empty), in no particular order: one index range scan of (type, id,
     * sequence) per range. Ranges of one type with the same first and last sequence ({@link SequenceRange#windows}: a
     * listener reads the same window of many aggregates) are asked as one term, {@code (aggregate_type = ? AND
     * aggregate_sequence BETWEEN ? AND ? AND aggregate_id IN (...))}; the terms are joined by {@code OR}. MariaDB 10.11 builds an {@code IN} list's ranges at once but analyses and
     * merges the terms of an {@code OR} one by one: a read of 129 aggregates' windows cost the server 3.1-3.3 ms of CPU
     * as 129 {@code OR} terms (padded to 256), 1.3 ms as one {@code IN} (300 reads each, measured on the server's CPU
     * time); of 8, 0.2 and 0.13 ms. The log reads were about half of the database's CPU in the benchmark's partitioned
     * phases. Ranges with bounds of their own still cost a term each, as before.
     */
    List<LoggedEvent> inRanges(StatelessSession session, List<SequenceRange> ranges) {
        List<Window> windows = SequenceRange.windows(ranges);
        String sql = inRangesSql(table, windows);
        return session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int parameter = 1;
                for (int i = 0, terms = ListShapes.padded(windows.size()); i < terms; i++) {
                    Window window = ListShapes.at(windows, i);
                    select.setString(parameter++, window.type().value());
                    select.setLong(parameter++, window.fromSequence());
                    select.setLong(parameter++, window.toSequence());
                    for (int id = 0, ids = ListShapes.padded(window.ids().size()); id < ids; id++) {
                        select.setString(parameter++, ListShapes.at(window.ids(), id).value());
                    }
                }
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

    /**
     * The text of {@link #inRanges} for these windows ({@link SequenceRange#windows}): a term per window, its id list
     * padded, and the terms padded with copies of the last ({@link ListShapes}), so that a listener's reads run a few
     * texts.
     */
    static String inRangesSql(String table, List<Window> windows) {
        int terms = ListShapes.padded(windows.size());
        StringBuilder sql = new StringBuilder(160 + terms * 100).append("SELECT ").append(COLUMNS)
                .append(" FROM ").append(table).append(" WHERE ");
        for (int i = 0; i < terms; i++) {
            sql.append(i == 0 ? "" : " OR ")
                    .append("(aggregate_type = ? AND aggregate_sequence BETWEEN ? AND ? AND aggregate_id IN (")
                    .append(ListShapes.placeholders(ListShapes.padded(ListShapes.at(windows, i).ids().size())))
                    .append("))");
        }
        return sql.toString();
    }

    /**
     * Puts the version (highest sequence) of each aggregate of {@code type} with one of {@code ids} that has events
     * into {@code versions}: one query that reads, per id, the last entry of the (type, id, sequence) key, one index
     * dive however many events the aggregate has ({@link #versionsSql}).
     */
    void versions(StatelessSession session, AggregateType type, List<String> ids, Map<AggregateRef, Long> versions) {
        int padded = ListShapes.padded(ids.size());
        String sql = versionsSql(table, padded);
        session.doWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, type.value());
                for (int i = 0; i < padded; i++) {
                    select.setString(i + 2, ListShapes.at(ids, i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        long version = rows.getLong(2);
                        if (!rows.wasNull()) {
                            versions.put(new AggregateRef(type, AggregateId.of(rows.getString(1))), version);
                        }
                    }
                }
            }
        });
    }

    /**
     * The text of {@link #versions} for {@code ids} ids: the type, then the ids, as parameters; a row per id, its
     * version or NULL. Each id's version is the first entry of a backward scan of the (type, id, sequence) key, which
     * stops there. A grouped {@code MAX(aggregate_sequence) ... WHERE aggregate_id IN (...) GROUP BY aggregate_id}, the
     * obvious text, read every entry of each aggregate instead: MariaDB's optimizer chose that range scan over its
     * loose index scan, so an append to an aggregate of 2,000 events read 2,000 index entries.
     */
    static String versionsSql(String table, int ids) {
        return "SELECT k.id, (SELECT e.aggregate_sequence FROM " + table + " e WHERE e.aggregate_type = ?"
                + " AND e.aggregate_id = k.id ORDER BY e.aggregate_sequence DESC LIMIT 1) FROM "
                + ListShapes.rows(ids, "id") + " k";
    }

    /**
     * Marks the events with these ids published at {@code publishedAt} (nanoseconds) where they are not yet: the first
     * publication stands, and marking again changes nothing. One statement, on the unique key of the id.
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
        byte[] payload = row.getBytes(7);
        String contentType = row.getString(8);
        String metadata = row.getString(9);
        long occurredAt = row.getLong(10);
        long publishedAt = row.getLong(11);
        return HibernateEventLog.toLogged(position, eventId, type, id, sequence, name, payload, contentType, metadata,
                occurredAt, row.wasNull() ? null : publishedAt);
    }
}
