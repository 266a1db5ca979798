package io.eventsource.adapter.mysql;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import org.hibernate.StatelessSession;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ack store's reads on the delivery path in plain JDBC, in the session's transaction: the acks of the events a
 * consumer holds, the positions of the aggregates that consumers start on, and which events of a page of the log a
 * binding has acks for (every sweeper reads every event once more). Their text changes with the number of
 * ids, and through Hibernate each execution paid a translation of the query that cost more CPU than the database took
 * to answer it (see {@link EventStatements}); their lists are padded ({@link ListShapes}) so that a few texts serve
 * every batch. Every value is a parameter; only the validated table name is joined into the text.
 */
final class AckStatements {
    private final String table;

    /** @param table the ack table's name, as {@link Tables#ack()} gives it */
    AckStatements(String table) {
        this.table = table;
    }

    /** The acks of the events with these ids, of every binding: one lookup of the primary key's prefix per id. */
    List<Ack> ofEvents(StatelessSession session, List<String> eventIds) {
        int padded = ListShapes.padded(eventIds.size());
        String sql = "SELECT event_id, service, projection, status, attempts, last_error, aggregate_type, aggregate_id,"
                + " aggregate_sequence, acked_at_ns FROM " + table + " WHERE event_id IN ("
                + ListShapes.placeholders(padded) + ")";
        return session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < padded; i++) {
                    select.setString(i + 1, ListShapes.at(eventIds, i));
                }
                List<Ack> acks = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        acks.add(new Ack(new AckKey(EventId.of(rows.getString(1)), ServiceName.of(rows.getString(2)),
                                Projection.of(rows.getString(3))), AckStatus.valueOf(rows.getString(4)),
                                rows.getInt(5), rows.getString(6), AggregateRef.of(rows.getString(7),
                                rows.getString(8)), rows.getLong(9), Timestamps.fromColumn(rows.getLong(10))));
                    }
                }
                return acks;
            }
        });
    }

    /** Which of these events (ids) the binding has an ack for: one primary key lookup per id. */
    List<String> acknowledged(StatelessSession session, String service, String projection, List<String> eventIds) {
        int padded = ListShapes.padded(eventIds.size());
        String sql = "SELECT event_id FROM " + table + " WHERE service = ? AND projection = ? AND event_id IN ("
                + ListShapes.placeholders(padded) + ")";
        return session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, service);
                select.setString(2, projection);
                for (int i = 0; i < padded; i++) {
                    select.setString(i + 3, ListShapes.at(eventIds, i));
                }
                List<String> found = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(rows.getString(1));
                    }
                }
                return found;
            }
        });
    }

    /**
     * Puts, for each aggregate of {@code type} with one of {@code ids} and each of the bindings, the highest sequence
     * the binding has an ack for into {@code last}, where {@code last} has that aggregate: one query that reads, per
     * aggregate and binding, one entry of the index on (service, projection, type, id, sequence), however many acks the
     * aggregate has ({@link #lastSequencesSql}).
     */
    void lastSequences(StatelessSession session, AggregateType type, List<Binding> bindings, List<String> ids,
                       Map<AggregateRef, Map<Binding, Long>> last) {
        int padded = ListShapes.padded(ids.size());
        String sql = lastSequencesSql(table, bindings.size(), padded);
        session.doWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int parameter = 1;
                select.setString(parameter++, type.value());
                for (int i = 0; i < padded; i++) {
                    select.setString(parameter++, ListShapes.at(ids, i));
                }
                for (Binding binding : bindings) {
                    select.setString(parameter++, binding.service().value());
                    select.setString(parameter++, binding.projection().value());
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        long sequence = rows.getLong(4);
                        Map<Binding, Long> ofAggregate = last.get(AggregateRef.of(type.value(), rows.getString(1)));
                        if (!rows.wasNull() && ofAggregate != null) {
                            Binding binding = new Binding(ServiceName.of(rows.getString(2)), type,
                                    Projection.of(rows.getString(3)));
                            ofAggregate.computeIfPresent(binding, (b, none) -> sequence);
                        }
                    }
                }
            }
        });
    }

    /**
     * The text of {@link #lastSequences} for {@code bindings} bindings and {@code ids} ids: the type, the ids, then
     * each binding's service and projection, as parameters; a row per id and binding, its last sequence or NULL. Each
     * is the first entry of a backward scan of the index on (service, projection, type, id, sequence), which stops
     * there. A grouped {@code MAX(aggregate_sequence)} over the ids, the obvious text, read every ack of each aggregate
     * instead (MariaDB chose that range scan over its loose index scan): a consumer starting on an aggregate of 2,000
     * events read 2,000 index entries per binding.
     */
    static String lastSequencesSql(String table, int bindings, int ids) {
        return "SELECT k.id, b.service, b.projection, (SELECT a.aggregate_sequence FROM " + table + " a"
                + " WHERE a.service = b.service AND a.projection = b.projection AND a.aggregate_type = ?"
                + " AND a.aggregate_id = k.id ORDER BY a.aggregate_sequence DESC LIMIT 1) FROM "
                + ListShapes.rows(ids, "id") + " k CROSS JOIN " + ListShapes.rows(bindings, "service", "projection")
                + " b";
    }
}
