package io.eventsource.adapter.postgresql;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migrations through Flyway: each prefix has a history of its own, a second run changes nothing, and two
 * processes that migrate the same fresh prefix at once apply each version exactly once.
 */
class FlywayMigrationsIT {
    private final Map<Process, BufferedReader> readers = new HashMap<>();
    private TestDatabase database;
    private boolean applicationHistoryBefore;

    @BeforeEach
    void aFreshPrefix() throws SQLException {
        database = TestDatabase.create();
        applicationHistoryBefore = tableExists("flyway_schema_history");
    }

    @AfterEach
    void dropIt() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aSecondRunChangesNothingAndTheHistoryIsThePrefixsOwn() throws SQLException {
        PostgreSqlSettings settings = database.settings();

        MigrateResult first = FlywayMigrations.run(settings, Tables.of(settings));
        MigrateResult second = FlywayMigrations.run(settings, Tables.of(settings));

        assertThat(first.migrationsExecuted).isEqualTo(MigrationScripts.all().size());
        assertThat(second.migrationsExecuted).isZero();
        assertThat(appliedVersions()).containsExactly("1", "2", "3");
        assertThat(tableExists("flyway_schema_history")).as("the application's own Flyway history is left alone")
                .isEqualTo(applicationHistoryBefore);
    }

    @Test
    void twoProcessesMigratingAtOnceApplyEachVersionOnce() throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(migrateInAnotherProcess());
        }
        for (Process process : processes) {
            BufferedReader output = reader(process);
            assertThat(output.readLine()).isEqualTo("ready");
        }
        // both are started and loaded: let them go together
        for (Process process : processes) {
            Writer input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            input.write("go\n");
            input.flush();
        }
        int executed = 0;
        for (Process process : processes) {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the process ends").isTrue();
            String output = reader(process).lines().collect(Collectors.joining("\n"));
            assertThat(process.exitValue()).as(output).isZero();
            executed += Integer.parseInt(output.substring(output.lastIndexOf("migrated ") + "migrated ".length()).trim());
        }

        assertThat(executed).as("migrations run by both together").isEqualTo(MigrationScripts.all().size());
        assertThat(appliedVersions()).containsExactly("1", "2", "3");
        assertThat(tableExists(database.prefix() + "checkpoint")).isTrue();
    }

    private Process migrateInAnotherProcess() throws Exception {
        String classPath = String.join(File.pathSeparator, List.of(
                Path.of(MigrateMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", "")));
        PostgreSqlSettings settings = database.settings();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, MigrateMain.class.getName(), settings.jdbcUrl(), settings.user(), settings.tablePrefix())
                .redirectErrorStream(true);
        builder.environment().put("EVENTSOURCE_JDBC_PASSWORD", settings.password());
        return builder.start();
    }

    private BufferedReader reader(Process process) {
        return readers.computeIfAbsent(process, p ->
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
    }

    private List<String> appliedVersions() throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM " + database.prefix() + "flyway_history"
                     + " WHERE success AND type = 'SQL' ORDER BY installed_rank")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }

    private boolean tableExists(String table) throws SQLException {
        try (Connection connection = database.connect();
             ResultSet rows = connection.getMetaData().getTables(null, null, table, null)) {
            return rows.next();
        }
    }
}
