package io.eventsource.adapter.mysql;

import io.eventsource.domain.AggregateRef;
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
 * Upgrading from the schema that earlier releases' hand-written runner made ({@link LegacyMigrations}, with its
 * {@code <prefix>schema_version}): Flyway's history starts with a baseline at that version, only later migrations
 * run, and the rows stay.
 */
class CheckpointMigrationIT {
    private TestDatabase database;
    private Tables tables;

    @BeforeEach
    void aDatabase() {
        database = TestDatabase.create();
        tables = Tables.of(database.settings());
    }

    @AfterEach
    void dropIt() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void startingOnASchemaAtVersionOneAddsTheCheckpointTableAndKeepsTheRows() throws SQLException {
        legacySchemaWithRows(1);
        assertThat(tableExists(tables.checkpoint())).isFalse();

        try (SessionFactory sessionFactory = HibernateBootstrap.open(database.settings());
             CheckpointStore checkpoints = new HibernateCheckpointStore(sessionFactory, database.settings())) {
            Binding binding = Binding.of("ads", "Product", "projections");
            checkpoints.save(binding, 1);

            assertThat(checkpoints.load(binding)).isEqualTo(1);
        }

        assertThat(history()).containsExactly("1 BASELINE", "2 SQL", "3 SQL");
        assertThat(count(tables.event())).isEqualTo(1);
        assertThat(count(tables.ack())).isEqualTo(1);
        assertThat(count(tables.checkpoint())).isEqualTo(1);
        assertThat(FlywayMigrations.run(database.settings(), tables).migrationsExecuted)
                .as("a second start migrates nothing").isZero();
    }

    @Test
    void startingOnTheSchemaOfTheLastReleaseBeforeFlywayRunsOnlyTheLaterMigrationsAndReadsItsRows() throws SQLException {
        legacySchemaWithRows(2);

        try (SessionFactory sessionFactory = HibernateBootstrap.open(database.settings())) {
            HibernateEventLog log = new HibernateEventLog(sessionFactory, database.settings());
            assertThat(log.version(AggregateRef.of("Product", "1"))).isEqualTo(1);
        }

        assertThat(history()).containsExactly("2 BASELINE", "3 SQL");
        assertThat(versionsOfTheOldRunner()).as("the old table is left as it was").containsExactly(1, 2);
    }

    @Test
    void aFreshPrefixInADatabaseWithOtherTablesRunsEveryMigration() throws SQLException {
        database.execute("CREATE TABLE " + database.name() + ".orders (id INT PRIMARY KEY)");

        FlywayMigrations.run(database.settings(), tables);

        assertThat(history()).containsExactly("0 BASELINE", "1 SQL", "2 SQL", "3 SQL");
        assertThat(tableExists(tables.schemaVersion())).as("no table of the old runner").isFalse();
    }

    /** The tables as the old runner left them at {@code version}, with an event and an ack in them. */
    private void legacySchemaWithRows(int version) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            assertThat(LegacyMigrations.run(connection, tables, LegacyMigrations.ALL.subList(0, version))).hasSize(version);
            statement.execute("INSERT INTO " + tables.event() + " (event_id, aggregate_type, aggregate_id,"
                    + " aggregate_sequence, name, payload, content_type, metadata, occurred_at_ns)"
                    + " VALUES ('e1', 'Product', '1', 1, 'Created', 'x', 'text/plain', '{}', 0)");
            statement.execute("INSERT INTO " + tables.ack() + " (event_id, service, projection, status, attempts,"
                    + " last_error, aggregate_type, aggregate_id, aggregate_sequence, acked_at_ns)"
                    + " VALUES ('e1', 'ads', 'projections', 'OK', 1, '', 'Product', '1', 1, 0)");
        }
    }

    private boolean tableExists(String table) throws SQLException {
        try (Connection connection = database.connect();
             ResultSet rows = connection.getMetaData().getTables(database.name(), null, table, null)) {
            return rows.next();
        }
    }

    /** Flyway's history of the prefix: "version type" per row, in order. */
    private List<String> history() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT version, type FROM " + tables.flywayHistory()
                     + " WHERE success ORDER BY installed_rank")) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + result.getString(2));
            }
        }
        return rows;
    }

    private List<Integer> versionsOfTheOldRunner() throws SQLException {
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
