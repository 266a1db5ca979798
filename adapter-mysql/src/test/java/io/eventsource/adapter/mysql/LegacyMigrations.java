package io.eventsource.adapter.mysql;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written migration runner of releases before Flyway, kept as a test fixture: it makes the schema (and the
 * {@code <prefix>schema_version} table) that an upgrade starts from. Not to be changed: it is what was released.
 *
 * <p>As it was: the versioned schema migrations, run at start: each {@code migration/V<n>__<what>.sql} not yet recorded
 * in {@code <prefix>schema_version} is run and recorded, in version order, under a named lock so that
 * instances starting together do not run one twice. MySQL commits DDL implicitly, so a migration is not
 * atomic: each one is written to be re-runnable ({@code IF NOT EXISTS}) should a run stop half-way.
 *
 * <p>To create the schema by hand instead, run the files in order with {@code ${prefix}} replaced, e.g.
 * {@code sed 's/${prefix}/es_/g' V1__event_log_and_acks.sql | mysql -u eventsource -p test}.
 */
final class LegacyMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyMigrations.class);
    private static final int LOCK_TIMEOUT_SECONDS = 60;

    /** Every migration, in order. Never edit one that was released: add the next. */
    static final List<Migration> ALL = List.of(
            new Migration(1, "event log and acks", "migration/V1__event_log_and_acks.sql"),
            new Migration(2, "checkpoints", "migration/V2__checkpoints.sql"));

    record Migration(int version, String description, String resource) {
        String sql(Tables tables) {
            try (InputStream in = LegacyMigrations.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("migration " + resource + " is missing from the adapter's jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", tables.prefix());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read migration " + resource, e);
            }
        }
    }

    private LegacyMigrations() {
    }

    /** Brings the schema up to the latest version; returns the versions it ran. */
    static List<Integer> run(Connection connection, Tables tables) throws SQLException {
        return run(connection, tables, ALL);
    }

    /** Brings the schema up to the last of {@code migrations} (a first part of {@link #ALL}: an older release's). */
    static List<Integer> run(Connection connection, Tables tables, List<Migration> migrations) throws SQLException {
        connection.setAutoCommit(true);
        String lock = lockName(connection.getCatalog() + "." + tables.prefix() + "migration");
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + tables.schemaVersion() + " ("
                    + " version INT NOT NULL PRIMARY KEY,"
                    + " description VARCHAR(200) NOT NULL,"
                    + " applied_at DATETIME(6) NOT NULL"
                    + ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4");
        }
        acquire(connection, lock);
        try {
            int current = currentVersion(connection, tables);
            int latest = migrations.get(migrations.size() - 1).version();
            if (current > latest) {
                LOG.warn("The schema with prefix {} is at version {}, newer than this adapter's {}: running without "
                        + "migrating; Hibernate's validation decides whether the mapping still fits", tables.prefix(),
                        current, latest);
            }
            List<Integer> ran = new ArrayList<>();
            for (Migration migration : migrations) {
                if (migration.version() > current) {
                    apply(connection, tables, migration);
                    ran.add(migration.version());
                }
            }
            return ran;
        } finally {
            release(connection, lock);
        }
    }

    private static void apply(Connection connection, Tables tables, Migration migration) throws SQLException {
        LOG.info("Migrating tables {}* to version {} ({})", tables.prefix(), migration.version(), migration.description());
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(migration.sql(tables))) {
                statement.execute(sql);
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + tables.schemaVersion()
                + " (version, description, applied_at) VALUES (?, ?, NOW(6))")) {
            insert.setInt(1, migration.version());
            insert.setString(2, migration.description());
            insert.executeUpdate();
        }
    }

    /** The statements of a script: separated by a semicolon at the end of a line; {@code --} comment lines dropped. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                statements.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static int currentVersion(Connection connection, Tables tables) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + tables.schemaVersion())) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** MySQL refuses lock names over 64 characters. */
    static String lockName(String wanted) {
        return wanted.length() <= 64 ? wanted : wanted.substring(0, 50) + "#" + Integer.toHexString(wanted.hashCode());
    }

    private static void acquire(Connection connection, String lock) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            statement.setString(1, lock);
            statement.setInt(2, LOCK_TIMEOUT_SECONDS);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next() || rows.getInt(1) != 1) {
                    throw new SQLException("another instance held the migration lock " + lock + " for "
                            + LOCK_TIMEOUT_SECONDS + " s", "HY000", 1205);
                }
            }
        }
    }

    private static void release(Connection connection, String lock) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            statement.setString(1, lock);
            statement.executeQuery().close();
        } catch (SQLException e) {
            // closing the connection releases it as well
            LOG.debug("could not release the migration lock {}", lock, e);
        }
    }
}
