package io.eventsource.adapter.postgresql;

import org.flywaydb.core.api.output.MigrateResult;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A process that migrates one prefix's tables, for {@link FlywayMigrationsIT}: prints {@code ready}, waits for a
 * line on its input (so that two processes start migrating together), migrates, prints {@code migrated <n>} and exits
 * 0, or prints the failure and exits 1. Arguments: the JDBC URL, the user, the table prefix; the password is the
 * environment's {@code EVENTSOURCE_JDBC_PASSWORD} (never an argument, which other users may see).
 */
public final class MigrateMain {
    private MigrateMain() {
    }

    public static void main(String[] args) throws Exception {
        String password = System.getenv().getOrDefault("EVENTSOURCE_JDBC_PASSWORD", "");
        PostgreSqlSettings settings = PostgreSqlSettings.of(args[0], args[1], password).withTablePrefix(args[2]);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        try {
            MigrateResult result = FlywayMigrations.run(settings, Tables.of(settings));
            System.out.println("migrated " + result.migrationsExecuted);
            System.exit(0);
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }
}
