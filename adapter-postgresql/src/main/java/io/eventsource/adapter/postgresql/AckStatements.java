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

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ack store's reads on the delivery path in plain JDBC, in the session's transaction: the acks of the events a
 * consumer holds, the positions of the aggregates that consumers start on, and which events of a page of the log a
 * binding has acks for (every sweeper reads every event once more). Their text changes with the number of ids, and
 * through Hibernate each execution paid a translation of the query that cost more CPU than the database took to
 * answer it (see {@link EventStatements}); their lists are padded ({@link ListShapes}) so that a few texts serve every
 * batch and run server-prepared. Every value is a parameter; only the validated table name is joined into the text.
 */
final class AckStatements {
    private final String table;

    /** @param table the ack table's name, as {@link Tables#ack()} gives it */
    AckStatements(String table) {
        this.table = table;
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
     * Puts, for each aggregate of {@code type} with one of {@code ids}, the highest sequence each binding (a pair of
     * the services and projections given) has an ack for into {@code last}, where {@code last} has that aggregate and
     * binding: one query, grouped, on the index {@code <prefix>ack_aggregate_ix}, which starts with (service,
     * projection, type, id).
     */
    void lastSequences(StatelessSession session, AggregateType type, List<String> services, List<String> projections,
                       List<String> ids, Map<AggregateRef, Map<Binding, Long>> last) {
        String sql = "SELECT aggregate_id, service, projection, MAX(aggregate_sequence) FROM " + table
                + " WHERE service IN (" + ListShapes.placeholders(services.size()) + ") AND projection IN ("
                + ListShapes.placeholders(projections.size()) + ") AND aggregate_type = ? AND aggregate_id IN ("
                + ListShapes.placeholders(ListShapes.padded(ids.size()))
                + ") GROUP BY aggregate_id, service, projection";
        session.doWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int parameter = 1;
                for (String service : services) {
                    select.setString(parameter++, service);
                }
                for (String projection : projections) {
                    select.setString(parameter++, projection);
                }
                select.setString(parameter++, type.value());
                for (int i = 0, padded = ListShapes.padded(ids.size()); i < padded; i++) {
                    select.setString(parameter++, ListShapes.at(ids, i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Map<Binding, Long> ofAggregate = last.get(AggregateRef.of(type.value(), rows.getString(1)));
                        Binding binding = new Binding(ServiceName.of(rows.getString(2)), type,
                                Projection.of(rows.getString(3)));
                        long sequence = rows.getLong(4);
                        if (ofAggregate != null) {
                            ofAggregate.computeIfPresent(binding, (b, none) -> sequence);
                        }
                    }
                }
            }
        });
    }
}
