package io.eventsource.adapter.mysql;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * The schema migrations, run by Flyway at start: {@code migration/V<n>__<what>.sql} beside this package, with
 * {@code ${prefix}} replaced by the table prefix. Each prefix keeps its history in a table of its own,
 * {@code <prefix>flyway_history}, so that the adapter never reads or writes the application's own Flyway history
 * (nor another prefix's), and instances that start together take turns on Flyway's named lock of that table.
 *
 * <p>Where to start from:
 * <ul>
 *   <li>tables made by the hand-written runner of earlier releases have {@code <prefix>schema_version} and no Flyway
 *       history: the history starts with a baseline at that table's highest version, and only later versions run
 *       (the old table is left as it is, for a rollback to the earlier release);</li>
 *   <li>otherwise, a database that holds other tables (the application's, another prefix's) gets a baseline at
 *       version 0, which runs every migration, where Flyway would refuse a non-empty schema.</li>
 * </ul>
 *
 * <p>MySQL commits DDL implicitly, so a migration is not atomic: each is written to be re-runnable
 * ({@code IF NOT EXISTS}), and one that Flyway recorded as failed (a run stopped half-way) is removed from the history
 * by {@code repair} at the next start, and run again.
 *
 * <p>To create the schema by hand instead, run the files in order with {@code ${prefix}} replaced, e.g.
 * {@code sed 's/${prefix}/es_/g' V1__event_log_and_acks.sql | mysql -u eventsource -p test}.
 */
final class FlywayMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(FlywayMigrations.class);
    /** Where the migrations are: a resource folder of the adapter's jar, opened to everyone in module-info. */
    static final String LOCATION = "classpath:io/eventsource/adapter/mysql/migration";
    /** What Flyway says when another process made the history table a moment ago and has not filled it yet. */
    private static final String BASELINE_RACE = "as it already exists, and is empty";
    /** How often a start that meets that tries again, waiting 0.1 s more each time (4.5 s in all). */
    private static final int BASELINE_RACE_ATTEMPTS = 10;

    private FlywayMigrations() {
    }

    /** Brings the prefix's tables to the latest version; returns what Flyway did. */
    static MigrateResult run(MySqlSettings settings, Tables tables) {
        return run(new DriverManagerDataSource(settings.jdbcUrl(), HibernateBootstrap.driverProperties(settings)),
                tables);
    }

    /**
     * As {@link #run(MySqlSettings, Tables)}, on connections of {@code dataSource} (an application's pool: Flyway
     * borrows and returns them).
     */
    static MigrateResult run(DataSource dataSource, Tables tables) {
        OptionalInt legacy = legacyVersion(dataSource, tables);
        FluentConfiguration configuration = Flyway.configure(FlywayMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .table(tables.flywayHistory())
                .locations(LOCATION)
                .placeholders(Map.of("prefix", tables.prefix()))
                .baselineOnMigrate(true)
                .validateMigrationNaming(true);
        if (legacy.isPresent()) {
            LOG.info("Tables {}* were made by the migration runner of an earlier release, at version {}: Flyway's"
                    + " history starts there", tables.prefix(), legacy.getAsInt());
            configuration = configuration.baselineVersion(Integer.toString(legacy.getAsInt()))
                    .baselineDescription("tables " + tables.prefix() + "* at version " + legacy.getAsInt() + " of "
                            + tables.schemaVersion());
        } else {
            configuration = configuration.baselineVersion("0")
                    .baselineDescription("tables " + tables.prefix() + "* before their first migration");
        }
        Flyway flyway = configuration.load();
        for (int attempt = 1; ; attempt++) {
            try {
                return migrate(flyway, tables);
            } catch (FlywayException e) {
                // Flyway creates the history table, then takes its lock: a process that starts at the same moment
                // as another can find the table made but still empty, and refuses to baseline it. The other holds
                // the lock and migrates; once it is done, the history is there and this one finds nothing to do.
                if (attempt == BASELINE_RACE_ATTEMPTS || e.getMessage() == null
                        || !e.getMessage().contains(BASELINE_RACE)) {
                    throw e;
                }
                LOG.info("Tables {}* are being migrated by another process; trying again (try {})", tables.prefix(),
                        attempt);
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static MigrateResult migrate(Flyway flyway, Tables tables) {
        MigrationInfo[] failed = Arrays.stream(flyway.info().all())
                .filter(info -> info.getState() == MigrationState.FAILED).toArray(MigrationInfo[]::new);
        if (failed.length > 0) {
            LOG.warn("Migration {} of tables {}* stopped half-way in an earlier run; running it again",
                    failed[0].getVersion(), tables.prefix());
            flyway.repair();
        }
        return flyway.migrate();
    }

    /**
     * The version the earlier releases' runner recorded in {@code <prefix>schema_version}, if that table exists and
     * Flyway's history does not yet.
     */
    static OptionalInt legacyVersion(DataSource dataSource, Tables tables) {
        try (Connection connection = dataSource.getConnection()) {
            if (!exists(connection, tables.schemaVersion()) || exists(connection, tables.flywayHistory())) {
                return OptionalInt.empty();
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM " + tables.schemaVersion())) {
                rows.next();
                int version = rows.getInt(1);
                return rows.wasNull() ? OptionalInt.empty() : OptionalInt.of(version);
            }
        } catch (SQLException e) {
            throw Failures.translate("read the schema version of tables " + tables.prefix() + "*", e);
        }
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        try (ResultSet rows = metadata.getTables(connection.getCatalog(), null, table, new String[]{"TABLE"})) {
            return rows.next();
        }
    }
}
