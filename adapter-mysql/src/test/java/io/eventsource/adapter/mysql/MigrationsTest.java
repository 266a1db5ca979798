package io.eventsource.adapter.mysql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationsTest {
    @Test
    void everyMigrationIsInTheJarWithThePrefixApplied() {
        for (Migrations.Migration migration : Migrations.ALL) {
            String sql = migration.sql(new Tables("staging_es_"));
            assertThat(sql).doesNotContain("${prefix}").contains("staging_es_");
            assertThat(Migrations.statements(sql)).isNotEmpty().allSatisfy(statement ->
                    assertThat(statement).startsWith("CREATE").doesNotEndWith(";"));
        }
        assertThat(Migrations.ALL).extracting(Migrations.Migration::version).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void splitsAScriptIntoStatementsDroppingComments() {
        assertThat(Migrations.statements("-- a comment\nCREATE TABLE a (\n  x INT\n);\n\nCREATE INDEX i ON a (x);\n"))
                .containsExactly("CREATE TABLE a (\nx INT\n)", "CREATE INDEX i ON a (x)");
    }

    @Test
    void keepsLockNamesWithinMySqlsLimit() {
        assertThat(Migrations.lockName("short")).isEqualTo("short");
        assertThat(Migrations.lockName("d".repeat(64) + "." + "p".repeat(40) + "migration")).hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void readsMariaDbsVersionBehindTheProtocolsFiveFiveFive() {
        assertThat(HibernateBootstrap.mariaDbVersion("5.5.5-10.11.19-MariaDB-0+deb12u1"))
                .hasValueSatisfying(version -> assertThat(version.toString()).startsWith("10.11.19"));
        assertThat(HibernateBootstrap.mariaDbVersion("8.4.3")).isEmpty();
    }
}
