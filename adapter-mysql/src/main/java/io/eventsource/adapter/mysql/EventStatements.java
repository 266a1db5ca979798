package io.eventsource.adapter.mysql;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
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
 * what was published (every publish batch). The text of each changes with the number of ranges or ids, and through
 * Hibernate each execution paid a translation of the query that cost more CPU than the database took to answer it
 * (the benchmark's partitioned cold phase, profiled with JFR: Hibernate's query translation led the listeners' CPU
 * samples). Every value is a parameter; only the validated table name is joined into the text.
 */
final class EventStatements {
    private static final String COLUMNS = "global_position, event_id, aggregate_type, aggregate_id, aggregate_sequence,"
            + " name, payload, content_type, metadata, occurred_at_ns, published_at_ns";

    private final String table;

    /** @param table the event table's name, as {@link Tables#event()} gives it */
    EventStatements(String table) {
        this.table = table;
    }

    /** The events in the ranges (none of them empty), in no particular order: one index range scan per range. */
    List<LoggedEvent> inRanges(StatelessSession session, List<SequenceRange> ranges) {
        StringBuilder sql = new StringBuilder(96 + ranges.size() * 80).append("SELECT ").append(COLUMNS)
                .append(" FROM ").append(table).append(" WHERE ");
        for (int i = 0; i < ranges.size(); i++) {
            sql.append(i == 0 ? "" : " OR ")
                    .append("(aggregate_type = ? AND aggregate_id = ? AND aggregate_sequence BETWEEN ? AND ?)");
        }
        return session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                int parameter = 1;
                for (SequenceRange range : ranges) {
                    select.setString(parameter++, range.aggregate().type().value());
                    select.setString(parameter++, range.aggregate().id().value());
                    select.setLong(parameter++, range.fromSequence());
                    select.setLong(parameter++, range.toSequence());
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
     * Puts the version (highest sequence) of each aggregate of {@code type} with one of {@code ids} that has events
     * into {@code versions}: one query, a range scan of the (type, id, sequence) key per id.
     */
    void versions(StatelessSession session, AggregateType type, List<String> ids, Map<AggregateRef, Long> versions) {
        StringBuilder sql = new StringBuilder(128 + ids.size() * 2).append("SELECT aggregate_id, MAX(aggregate_sequence)")
                .append(" FROM ").append(table).append(" WHERE aggregate_type = ? AND aggregate_id IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "?" : ",?");
        }
        sql.append(") GROUP BY aggregate_id");
        session.doWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                select.setString(1, type.value());
                for (int i = 0; i < ids.size(); i++) {
                    select.setString(i + 2, ids.get(i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        versions.put(new AggregateRef(type, AggregateId.of(rows.getString(1))), rows.getLong(2));
                    }
                }
            }
        });
    }

    /**
     * Marks the events with these ids published at {@code publishedAt} (nanoseconds) where they are not yet: the first
     * publication stands, and marking again changes nothing. One statement, on the unique key of the id.
     */
    void markPublished(StatelessSession session, List<String> ids, long publishedAt) {
        StringBuilder sql = new StringBuilder(96 + ids.size() * 2).append("UPDATE ").append(table)
                .append(" SET published_at_ns = ? WHERE published_at_ns IS NULL AND event_id IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "?" : ",?");
        }
        sql.append(')');
        session.doWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql.toString())) {
                update.setLong(1, publishedAt);
                for (int i = 0; i < ids.size(); i++) {
                    update.setString(i + 2, ids.get(i));
                }
                update.executeUpdate();
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
