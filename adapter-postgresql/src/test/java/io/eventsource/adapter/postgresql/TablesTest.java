package io.eventsource.adapter.postgresql;

import io.eventsource.adapter.postgresql.entity.AckRow;
import io.eventsource.adapter.postgresql.entity.EventRow;
import io.eventsource.domain.Namespace;
import jakarta.persistence.Table;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter's tables keep namespaces apart: {@link Namespace#tablePrefix()} promises distinct tables to distinct
 * namespaces as long as no table's own name ends in {@code _} followed by another's, so every table the adapter
 * makes (by {@link Tables}, by an entity, by a migration) is listed in {@link Tables#NAMES}, and the list keeps the
 * rule. Every name the migrations make fits PostgreSQL's 63 characters after the longest prefix.
 */
class TablesTest {
    private static final Pattern CREATED_TABLE = Pattern.compile("CREATE TABLE IF NOT EXISTS \\$\\{prefix}(\\w+)");
    private static final Pattern PREFIXED_NAME = Pattern.compile("\\$\\{prefix}(\\w+)");
    private static final int POSTGRESQL_NAME_LENGTH = 63;

    @Test
    void noTableNameEndsInAnUnderscoreFollowedByAnother() {
        for (String one : Tables.NAMES) {
            for (String other : Tables.NAMES) {
                assertThat(one).as("a table name after another one and '_'").doesNotEndWith("_" + other);
            }
        }
        assertThat(Tables.NAMES).doesNotHaveDuplicates().allMatch(name -> name.matches("[a-z][a-z0-9_]*"));
    }

    @Test
    void everyTableTheAdapterNamesIsListed() throws Exception {
        Tables tables = new Tables("staging_es_");
        List<String> named = new ArrayList<>();
        for (Method method : Tables.class.getDeclaredMethods()) {
            if (method.getReturnType() == String.class && method.getParameterCount() == 0
                    && !Modifier.isStatic(method.getModifiers())
                    && !List.of("prefix", "toString").contains(method.getName())) {
                named.add(((String) method.invoke(tables)).substring("staging_es_".length()));
            }
        }
        for (Class<?> entity : List.of(EventRow.class, AckRow.class)) {
            named.add(entity.getAnnotation(Table.class).name().substring(Tables.MAPPED_PREFIX.length()));
        }
        List<String> scripts = MigrationScripts.all();
        assertThat(scripts).hasSizeGreaterThanOrEqualTo(2);
        for (String script : scripts) {
            Matcher created = CREATED_TABLE.matcher(script);
            while (created.find()) {
                named.add(created.group(1));
            }
        }

        assertThat(named).contains("event", "ack", "checkpoint", "log_head", "flyway_history");
        assertThat(Tables.NAMES).containsAll(named);
    }

    @Test
    void everyNameTheMigrationsMakeKeepsNamespacesApartAndFitsPostgreSqlsLimitAfterTheLongestPrefix() {
        List<String> names = new ArrayList<>();
        for (String script : MigrationScripts.all()) {
            Matcher name = PREFIXED_NAME.matcher(script);
            while (name.find()) {
                names.add(name.group(1));
            }
        }
        names.addAll(Tables.NAMES);

        // constraints and indexes share the schema's names with the tables: the namespaces' rule holds for them too
        for (String one : names) {
            for (String other : names) {
                assertThat(one).as("a name after another one and '_'").doesNotEndWith("_" + other);
            }
        }
        assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(PostgreSqlSettings.MAX_PREFIX_LENGTH + name.length())
                .as(name).isLessThanOrEqualTo(POSTGRESQL_NAME_LENGTH));
    }

    @Test
    void theTablesOfANamespaceAreTheDomainsTablePrefixFollowedByTheirNames() {
        PostgreSqlSettings settings = PostgreSqlSettings.defaults();

        assertThat(Tables.of(settings.withNamespace(Namespace.of("iso_a."))).event()).isEqualTo("iso_a_es_event");
        assertThat(Tables.of(settings.withNamespace(Namespace.of("iso."))).event()).isEqualTo("iso_es_event");
        assertThat(Tables.of(settings.withNamespace(Namespace.NONE)).flywayHistory()).isEqualTo("es_flyway_history");
    }
}
