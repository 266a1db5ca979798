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
    static final List<String> NAMES = List.of("event", "ack", "checkpoint", "replay", "schema_version");

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

    String schemaVersion() {
        return prefix + "schema_version";
    }
}
