package io.eventsource.adapter.postgresql;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

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
    /** Where the migrations are: a resource folder of the adapter's jar, opened to everyone in module-info. */
    static final String LOCATION = "classpath:io/eventsource/adapter/postgresql/migration";

    private FlywayMigrations() {
    }

    /** Brings the prefix's tables to the latest version; returns what Flyway did. */
    static MigrateResult run(PostgreSqlSettings settings, Tables tables) {
        return flyway(settings, tables, null).migrate();
    }

    /** Brings the prefix's tables to {@code target} (an older release's version), for tests of upgrades. */
    static MigrateResult run(PostgreSqlSettings settings, Tables tables, String target) {
        return flyway(settings, tables, target).migrate();
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
