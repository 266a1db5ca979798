package io.eventsource.adapter.postgresql;

import java.util.List;

/**
 * The adapter's table names under a prefix validated by {@link PostgreSqlSettings}: the only text that is
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
    static final List<String> NAMES = List.of("event", "ack", "checkpoint", "replay", "log_head", "flyway_history");

    static Tables of(PostgreSqlSettings settings) {
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

    /** One row: the last position given to an event; locked by every append until it commits. */
    String logHead() {
        return prefix + "log_head";
    }

    /** Flyway's history of this prefix's migrations: never the user's own {@code flyway_schema_history}. */
    String flywayHistory() {
        return prefix + "flyway_history";
    }
}
