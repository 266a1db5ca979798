package io.eventsource.adapter.mysql;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class HibernateBootstrapTest {
    @Test
    void setsTheDriversTlsModeExplicitlyFromTheSettings() {
        MySqlSettings local = MySqlSettings.of("jdbc:mysql://127.0.0.1:3306/test", "app", "pw");
        MySqlSettings remote = MySqlSettings.of("jdbc:mysql://db.internal:3306/prod", "app", "pw");

        assertThat(HibernateBootstrap.driverProperties(local).getProperty("sslMode")).isEqualTo("DISABLED");
        assertThat(HibernateBootstrap.driverProperties(remote).getProperty("sslMode")).isEqualTo("VERIFY_IDENTITY");
        assertThat(HibernateBootstrap.driverProperties(remote.withTls(MySqlSettings.Tls.REQUIRED)).getProperty("sslMode"))
                .isEqualTo("REQUIRED");
        assertThat(HibernateBootstrap.hibernateProperties(remote).getProperty("hibernate.hikari.dataSource.sslMode"))
                .isEqualTo("VERIFY_IDENTITY");
    }

    @Test
    void aParameterOfTheUrlWinsOverTheAdaptersDefaultsButNotOverTheCredentials() {
        // the driver lets a property win over the URL: the adapter leaves out what the URL sets
        MySqlSettings settings = MySqlSettings.of("jdbc:mysql://db.internal/prod?connectTimeout=900&User=other&cachePrepStmts",
                "app", "pw");

        Properties properties = HibernateBootstrap.driverProperties(settings);

        assertThat(properties).doesNotContainKey("connectTimeout").doesNotContainKey("cachePrepStmts")
                .containsEntry("user", "app").containsEntry("password", "pw").containsEntry("rewriteBatchedStatements", "true");
    }

    @Test
    void thePasswordGoesToThePoolOnceAndNotAmongTheDataSourceProperties() {
        Properties properties = HibernateBootstrap.hibernateProperties(MySqlSettings.of("jdbc:mysql://h/db", "app", "pw"));

        assertThat(properties).containsEntry("hibernate.connection.password", "pw")
                .doesNotContainKey("hibernate.hikari.dataSource.password")
                .doesNotContainKey("hibernate.hikari.dataSource.user");
    }
}
