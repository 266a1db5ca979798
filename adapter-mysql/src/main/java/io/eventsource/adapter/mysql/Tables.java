package io.eventsource.adapter.mysql;

/**
 * The adapter's table names under a prefix validated by {@link MySqlSettings}: the only text that is
 * ever put into SQL other than placeholders.
 */
record Tables(String prefix) {
    /** The prefix the entities are annotated with; {@link TablePrefixNamingStrategy} swaps it for the configured one. */
    static final String MAPPED_PREFIX = "es_";

    static Tables of(MySqlSettings settings) {
        return new Tables(settings.tablePrefix());
    }

    String event() {
        return prefix + "event";
    }

    String ack() {
        return prefix + "ack";
    }

    String schemaVersion() {
        return prefix + "schema_version";
    }
}
