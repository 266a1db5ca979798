package io.eventsource.adapter.postgresql;

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

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The ack store's reads on the delivery path in plain JDBC, in the session's transaction: the acks of the events a
 * consumer holds, the positions of the aggregates that consumers start on, and which events of a page of the log a
 * binding has acks for (every sweeper reads every event once more). Through Hibernate each execution paid a
 * translation of the query that cost more CPU than the database took to answer it (see {@link EventStatements}). The
 * text of the reads by event id changes with the number of ids; their lists are padded ({@link ListShapes}) so that a
 * few texts serve every batch and run server-prepared. The last sequences take their bindings and ids as array
 * parameters: a single text. Every value is a parameter; only the validated table name is joined into the text.
 */
final class AckStatements {
    private final String table;
    /**
     * The bindings are two parallel array parameters (services, projections), unnested together into one row per
     * binding, and the ids a third: one text for any number of either, with no padding, and only the pairs asked for
     * are read (a service crossed with a projection of another binding is not). A binding and id without acks have no
     * row in the subquery, so the join leaves them out of the answer.
     */
    private final String lastSequencesSql;

    /** @param table the ack table's name, as {@link Tables#ack()} gives it */
    AckStatements(String table) {
        this.table = table;
        this.lastSequencesSql = "SELECT b.service, b.projection, k.id, last.aggregate_sequence"
                + " FROM unnest(?::varchar[], ?::varchar[]) AS b(service, projection)"
                + " CROSS JOIN unnest(?::varchar[]) AS k(id)"
                + " CROSS JOIN LATERAL (SELECT a.aggregate_sequence FROM " + table + " a WHERE a.service = b.service"
                + " AND a.projection = b.projection AND a.aggregate_type = ? AND a.aggregate_id = k.id"
                + " ORDER BY a.aggregate_sequence DESC LIMIT 1) AS last";
    }

    /**
     * The acks of the events with these ids, of every binding: one lookup of the primary key's prefix (event_id) per
     * id.
     */
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
     * Puts, for each aggregate of {@code type} with one of {@code ids} and each of the {@code bindings} (of that type),
     * the highest sequence the binding has an ack for into {@code last}, where {@code last} has that aggregate and
     * binding; a binding without acks on the aggregate is left as it is. One query that reads, per binding and id, one
     * entry of the index {@code <prefix>ack_aggregate_ix} on (service, projection, aggregate_type, aggregate_id,
     * aggregate_sequence): the last, by a backward scan that {@code LIMIT 1} stops there, whatever the number of the
     * aggregate's acks. PostgreSQL has no loose index scan, so a {@code MAX} grouped by binding and id read every ack
     * of every binding on every aggregate asked for.
     */
    void lastSequences(StatelessSession session, AggregateType type, Collection<Binding> bindings, List<String> ids,
                       Map<AggregateRef, Map<Binding, Long>> last) {
        session.doWork(connection -> lastSequences(connection, type, bindings, ids, last));
    }

    /**
     * {@link #lastSequences(StatelessSession, AggregateType, Collection, List, Map)} on a connection: the session's, or
     * a test's that explains what runs on it.
     */
    void lastSequences(Connection connection, AggregateType type, Collection<Binding> bindings, List<String> ids,
                       Map<AggregateRef, Map<Binding, Long>> last) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(lastSequencesSql)) {
            select.setArray(1, connection.createArrayOf("varchar",
                    bindings.stream().map(binding -> binding.service().value()).toArray()));
            select.setArray(2, connection.createArrayOf("varchar",
                    bindings.stream().map(binding -> binding.projection().value()).toArray()));
            select.setArray(3, connection.createArrayOf("varchar", ids.toArray()));
            select.setString(4, type.value());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Binding binding = new Binding(ServiceName.of(rows.getString(1)), type,
                            Projection.of(rows.getString(2)));
                    Map<Binding, Long> ofAggregate = last.get(AggregateRef.of(type.value(), rows.getString(3)));
                    long sequence = rows.getLong(4);
                    if (ofAggregate != null) {
                        ofAggregate.computeIfPresent(binding, (b, none) -> sequence);
                    }
                }
            }
        }
    }
}
