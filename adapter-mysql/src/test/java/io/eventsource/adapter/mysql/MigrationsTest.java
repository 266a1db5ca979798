package io.eventsource.adapter.mysql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationsTest {
    @Test
    void theAdapterShipsTheReleasedMigrationsWithThePrefixAsAFlywayPlaceholder() {
        assertThat(MigrationScripts.all()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(script ->
                assertThat(script).contains("CREATE TABLE IF NOT EXISTS ${prefix}"));
        // what the earlier releases' runner applies is what Flyway applies: the same files
        for (LegacyMigrations.Migration migration : LegacyMigrations.ALL) {
            assertThat(MigrationScripts.all().get(migration.version() - 1))
                    .isEqualTo(migration.sql(new Tables("${prefix}")));
        }
    }

    @Test
    void readsMariaDbsVersionBehindTheProtocolsFiveFiveFive() {
        assertThat(HibernateBootstrap.mariaDbVersion("5.5.5-10.11.19-MariaDB-0+deb12u1"))
                .hasValueSatisfying(version -> assertThat(version.toString()).startsWith("10.11.19"));
        assertThat(HibernateBootstrap.mariaDbVersion("8.4.3")).isEmpty();
    }
}
