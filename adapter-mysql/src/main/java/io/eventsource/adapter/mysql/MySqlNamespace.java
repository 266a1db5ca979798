package io.eventsource.adapter.mysql;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.ports.PortException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a namespace holds in the database, for an operator's tool that reports on a namespace or removes it (the
 * admin CLI): its tables, the bindings its acks and checkpoints name, the aggregates with recent events, and dropping
 * its tables. Plain JDBC on one connection per call, with no migration run: a namespace without tables stays without.
 *
 * <p>The tables are exactly the adapter's own names under the settings' table prefix, never every table whose name
 * starts with it: {@code a_es_} is the prefix of namespace {@code a.}, and also the start of the tables of namespace
 * {@code a_es_b.}. Failures cross as {@link PortException}s whose messages hold no password.
 */
public final class MySqlNamespace {
    private final MySqlSettings settings;
    private final Tables tables;

    private MySqlNamespace(MySqlSettings settings) {
        this.settings = settings;
        this.tables = Tables.of(settings);
    }

    /** The namespace of these settings (their table prefix). */
    public static MySqlNamespace of(MySqlSettings settings) {
        return new MySqlNamespace(Objects.requireNonNull(settings, "settings"));
    }

    /**
     * The namespace's tables that exist, by name.
     *
     * @throws PortException if the database cannot be reached or refuses the user
     */
    public List<String> tables() {
        return call("list the tables " + tables.prefix() + "*", this::existing);
    }

    /**
     * The bindings that the namespace's acks and checkpoints name, whether or not they are registered now: what is
     * left of a namespace's listeners once the registry has forgotten them.
     *
     * @throws PortException if the database cannot be reached or refuses the user
     */
    public Set<Binding> bindings() {
        return call("read the bindings of " + tables.prefix() + "*", connection -> {
            List<String> existing = existing(connection);
            Set<Binding> found = new LinkedHashSet<>();
            if (existing.contains(tables.ack())) {
                // names read from Tables under a prefix validated by MySqlSettings
                readBindings(connection, "SELECT DISTINCT service, aggregate_type, projection FROM " + tables.ack(), found);
            }
            if (existing.contains(tables.checkpoint())) {
                readBindings(connection, "SELECT service, aggregate_type, projection FROM " + tables.checkpoint(), found);
            }
            return found;
        });
    }

    /**
     * The aggregates with an event that occurred at or after {@code since}, at most {@code limit} of them: those that
     * may still have queues on the broker.
     *
     * @throws InvalidValueException if {@code limit} is not positive
     * @throws PortException if the database cannot be reached or refuses the user
     */
    public Set<AggregateRef> aggregatesWithEventsSince(Instant since, int limit) {
        Objects.requireNonNull(since, "since");
        if (limit < 1) {
            throw new InvalidValueException("limit must be 1 or more, got " + limit);
        }
        return call("read the recent aggregates of " + tables.event(), connection -> {
            Set<AggregateRef> found = new LinkedHashSet<>();
            if (!existing(connection).contains(tables.event())) {
                return found;
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT DISTINCT aggregate_type, aggregate_id FROM "
                    + tables.event() + " WHERE occurred_at_ns >= ? LIMIT ?")) {
                query.setLong(1, Timestamps.toColumn(since, "since"));
                query.setInt(2, limit);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        found.add(AggregateRef.of(rows.getString(1), rows.getString(2)));
                    }
                }
            }
            return found;
        });
    }

    /**
     * Drops the namespace's tables; a runtime still using them fails. Dropping what is absent is no error.
     *
     * @return the tables dropped, by name
     * @throws PortException if the database cannot be reached or refuses the user; tables dropped before stay dropped
     */
    public List<String> dropTables() {
        return call("drop the tables " + tables.prefix() + "*", connection -> {
            List<String> dropped = existing(connection);
            try (Statement statement = connection.createStatement()) {
                for (String table : dropped) {
                    statement.execute("DROP TABLE IF EXISTS `" + table + "`");
                }
            }
            return dropped;
        });
    }

    private List<String> existing(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        for (String name : Tables.NAMES) {
            names.add(tables.prefix() + name);
        }
        List<String> found = new ArrayList<>();
        String placeholders = String.join(", ", java.util.Collections.nCopies(names.size(), "?"));
        try (PreparedStatement query = connection.prepareStatement("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = DATABASE() AND table_name IN (" + placeholders + ")")) {
            for (int i = 0; i < names.size(); i++) {
                query.setString(i + 1, names.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
        }
        found.sort(null);
        return found;
    }

    private static void readBindings(Connection connection, String sql, Set<Binding> into) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                into.add(Binding.of(rows.getString(1), rows.getString(2), rows.getString(3)));
            }
        }
    }

    private <T> T call(String action, SqlWork<T> work) {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(),
                HibernateBootstrap.driverProperties(settings))) {
            return work.run(connection);
        } catch (SQLException | RuntimeException e) {
            throw Failures.translate(action + " on " + HibernateBootstrap.where(settings), e);
        }
    }

    /** Work on one connection. */
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
