package io.eventsource.adapter.mysql;

import io.eventsource.domain.Binding;
import io.eventsource.ports.CheckpointStore;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrading: a database whose tables an earlier release made (schema version 1, with rows in them) gets the
 * checkpoint table when the adapter starts, and keeps its rows.
 */
class CheckpointMigrationIT {
    private TestDatabase database;
    private Tables tables;

    @BeforeEach
    void aDatabaseAtVersionOne() throws SQLException {
        database = TestDatabase.create();
        tables = Tables.of(database.settings());
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            assertThat(Migrations.run(connection, tables, Migrations.ALL.subList(0, 1))).containsExactly(1);
            statement.execute("INSERT INTO " + tables.event() + " (event_id, aggregate_type, aggregate_id,"
                    + " aggregate_sequence, name, payload, content_type, metadata, occurred_at_ns)"
                    + " VALUES ('e1', 'Product', '1', 1, 'Created', 'x', 'text/plain', '{}', 0)");
            statement.execute("INSERT INTO " + tables.ack() + " (event_id, service, projection, status, attempts,"
                    + " last_error, aggregate_type, aggregate_id, aggregate_sequence, acked_at_ns)"
                    + " VALUES ('e1', 'ads', 'projections', 'OK', 1, '', 'Product', '1', 1, 0)");
        }
    }

    @AfterEach
    void dropIt() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void startingOnASchemaAtVersionOneAddsTheCheckpointTableAndKeepsTheRows() throws SQLException {
        assertThat(tableExists(tables.checkpoint())).isFalse();

        try (SessionFactory sessionFactory = HibernateBootstrap.open(database.settings());
             CheckpointStore checkpoints = new HibernateCheckpointStore(sessionFactory, database.settings())) {
            Binding binding = Binding.of("ads", "Product", "projections");
            checkpoints.save(binding, 1);

            assertThat(checkpoints.load(binding)).isEqualTo(1);
        }

        assertThat(versions()).containsExactly(1, 2, 3);
        assertThat(count(tables.event())).isEqualTo(1);
        assertThat(count(tables.ack())).isEqualTo(1);
        assertThat(count(tables.checkpoint())).isEqualTo(1);
        try (Connection connection = database.connect()) {
            assertThat(Migrations.run(connection, tables)).as("a second start migrates nothing").isEmpty();
        }
    }

    private boolean tableExists(String table) throws SQLException {
        try (Connection connection = database.connect();
             ResultSet rows = connection.getMetaData().getTables(database.name(), null, table, null)) {
            return rows.next();
        }
    }

    private List<Integer> versions() throws SQLException {
        List<Integer> versions = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM " + tables.schemaVersion()
                     + " ORDER BY version")) {
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
        }
        return versions;
    }

    private long count(String table) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
