package io.eventsource.adapter.postgresql;

import io.eventsource.domain.InvalidValueException;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HibernateBootstrapTest {
    @Test
    void setsTheDriversTlsModeExplicitlyFromTheSettings() {
        PostgreSqlSettings local = PostgreSqlSettings.of("jdbc:postgresql://127.0.0.1:5432/test", "app", "pw");
        PostgreSqlSettings remote = PostgreSqlSettings.of("jdbc:postgresql://db.internal:5432/prod", "app", "pw");

        assertThat(HibernateBootstrap.driverProperties(local).getProperty("sslmode")).isEqualTo("disable");
        assertThat(HibernateBootstrap.driverProperties(remote).getProperty("sslmode")).isEqualTo("verify-full");
        assertThat(HibernateBootstrap.driverProperties(remote.withTls(PostgreSqlSettings.Tls.REQUIRED)).getProperty("sslmode"))
                .isEqualTo("require");
        assertThat(HibernateBootstrap.hibernateProperties(remote).getProperty("hibernate.hikari.dataSource.sslmode"))
                .isEqualTo("verify-full");
    }

    @Test
    void thePoolsConnectionsGiveUpOnASilentServerAfterTheSocketTimeoutTheMigrationsDoNot() {
        PostgreSqlSettings settings = PostgreSqlSettings.defaults();
        PostgreSqlSettings ownTimeout = settings.withJdbcUrl(settings.jdbcUrl() + "?socketTimeout=1");

        // pgjdbc counts the socket timeout in seconds
        assertThat(HibernateBootstrap.poolDriverProperties(settings).getProperty("socketTimeout")).isEqualTo("60");
        assertThat(HibernateBootstrap.hibernateProperties(settings).getProperty(
                "hibernate.hikari.dataSource.socketTimeout")).isEqualTo("60");
        assertThat(HibernateBootstrap.driverProperties(settings).getProperty("socketTimeout")).isNull();
        // the URL's own value reaches the driver from the URL: no property overrides it
        assertThat(HibernateBootstrap.poolDriverProperties(ownTimeout).getProperty("socketTimeout")).isNull();
    }

    @Test
    void aParameterOfTheUrlWinsOverTheAdaptersDefaultsButTheUserIsASetting() {
        PostgreSqlSettings settings = PostgreSqlSettings.of(
                "jdbc:postgresql://db.internal/prod?connectTimeout=900&ApplicationName=billing", "app", "pw");

        Properties properties = HibernateBootstrap.driverProperties(settings);

        assertThat(properties).doesNotContainKey("connectTimeout").doesNotContainKey("ApplicationName")
                .containsEntry("user", "app").containsEntry("password", "pw").containsEntry("reWriteBatchedInserts", "true");
        assertThatThrownBy(() -> PostgreSqlSettings.of("jdbc:postgresql://db/prod?User=other", "app", "pw"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("must not set user")
                .hasMessageContaining("EVENTSOURCE_JDBC_USER");
    }

    @Test
    void thePasswordGoesToThePoolOnceAndNotAmongTheDataSourceProperties() {
        Properties properties = HibernateBootstrap.hibernateProperties(PostgreSqlSettings.of("jdbc:postgresql://h/db", "app", "pw"));

        assertThat(properties).containsEntry("hibernate.connection.password", "pw")
                .doesNotContainKey("hibernate.hikari.dataSource.password")
                .doesNotContainKey("hibernate.hikari.dataSource.user");
    }
}
