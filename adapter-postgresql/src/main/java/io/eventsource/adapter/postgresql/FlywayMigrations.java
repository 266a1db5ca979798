package io.eventsource.adapter.postgresql;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The schema migrations, run by Flyway at start: {@code migration/V<n>__<what>.sql} beside this package, with
 * {@code ${prefix}} replaced by the table prefix. Each prefix keeps its history in a table of its own,
 * {@code <prefix>flyway_history}, so that the adapter never reads or writes the application's own Flyway history
 * (nor another prefix's), and instances that start together take turns on Flyway's lock of that table (an advisory
 * lock on PostgreSQL).
 *
 * <p>The database may hold other tables (the application's, another prefix's): the first run records a baseline at
 * version 0 there, which runs every migration, where Flyway would otherwise refuse a non-empty schema.
 *
 * <p>To create the schema by hand instead, run the files in order with {@code ${prefix}} replaced, e.g.
 * {@code sed 's/${prefix}/es_/g' V1__event_log_and_acks.sql | psql test}.
 */
final class FlywayMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(FlywayMigrations.class);
    /** What Flyway says when another process made the history table a moment ago and has not filled it yet. */
    private static final String BASELINE_RACE = "as it already exists, and is empty";
    /** How often a start that meets that tries again, waiting 0.1 s more each time (4.5 s in all). */
    private static final int BASELINE_RACE_ATTEMPTS = 10;
    /** Where the migrations are: a resource folder of the adapter's jar, opened to everyone in module-info. */
    static final String LOCATION = "classpath:io/eventsource/adapter/postgresql/migration";

    private FlywayMigrations() {
    }

    /** Brings the prefix's tables to the latest version; returns what Flyway did. */
    static MigrateResult run(PostgreSqlSettings settings, Tables tables) {
        return migrate(flyway(settings, tables, null), tables);
    }

    /** Brings the prefix's tables to {@code target} (an older release's version), for tests of upgrades. */
    static MigrateResult run(PostgreSqlSettings settings, Tables tables, String target) {
        return migrate(flyway(settings, tables, target), tables);
    }

    private static MigrateResult migrate(Flyway flyway, Tables tables) {
        for (int attempt = 1; ; attempt++) {
            try {
                return flyway.migrate();
            } catch (FlywayException e) {
                // Flyway decides how to treat a database without its history table before it takes the table's
                // lock: a process that starts at the same moment as another can find the table just made by the
                // other, still empty, and refuses to baseline it. The other holds the lock and migrates; once it is
                // done, the history is there and this one finds nothing to do.
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

    private static Flyway flyway(PostgreSqlSettings settings, Tables tables, String target) {
        var configuration = Flyway.configure(FlywayMigrations.class.getClassLoader())
                .dataSource(new DriverManagerDataSource(settings.jdbcUrl(), HibernateBootstrap.driverProperties(settings)))
                .table(tables.flywayHistory())
                .locations(LOCATION)
                .placeholders(Map.of("prefix", tables.prefix()))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("tables " + tables.prefix() + "* before their first migration")
                .validateMigrationNaming(true);
        if (target != null) {
            configuration = configuration.target(target);
        }
        return configuration.load();
    }
}
