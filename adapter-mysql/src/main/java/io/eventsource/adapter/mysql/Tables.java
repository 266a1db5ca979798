package io.eventsource.adapter.mysql;

import java.util.List;

/**
 * The adapter's table names under a prefix validated by {@link MySqlSettings}: the only text that is
 * ever put into SQL other than placeholders.
 */
record Tables(String prefix) {
    /** The prefix the entities are annotated with; {@link TablePrefixNamingStrategy} swaps it for the configured one. */
    static final String MAPPED_PREFIX = "es_";
    /**
     * Every table's own name, after the prefix. Namespaces keep their tables apart only while no name here ends in
     * {@code _} followed by another one (see {@link io.eventsource.domain.Namespace#tablePrefix()}); {@code TablesTest}
     * checks that, and that every table the adapter makes is listed here.
     */
    static final List<String> NAMES = List.of("event", "ack", "checkpoint", "replay", "flyway_history", "schema_version");

    static Tables of(MySqlSettings settings) {
        return new Tables(settings.tablePrefix());
    }

    String event() {
        return prefix + "event";
    }

    String ack() {
        return prefix + "ack";
    }

    String checkpoint() {
        return prefix + "checkpoint";
    }

    String replay() {
        return prefix + "replay";
    }

    /** Flyway's history of this prefix's migrations: never the user's own {@code flyway_schema_history}. */
    String flywayHistory() {
        return prefix + "flyway_history";
    }

    /** Where the migration runner of releases before Flyway recorded the version; read once, to start Flyway there. */
    String schemaVersion() {
        return prefix + "schema_version";
    }
}
