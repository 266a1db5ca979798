package io.eventsource.adapter.mysql;

import io.eventsource.ports.PermanentPortException;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void thePoolsConnectionsGiveUpOnASilentServerAfterTheSocketTimeoutTheMigrationsDoNot() {
        MySqlSettings settings = MySqlSettings.defaults();
        MySqlSettings ownTimeout = settings.withJdbcUrl(settings.jdbcUrl() + "?socketTimeout=1000");

        assertThat(HibernateBootstrap.poolDriverProperties(settings).getProperty("socketTimeout")).isEqualTo("60000");
        assertThat(HibernateBootstrap.hibernateProperties(settings).getProperty(
                "hibernate.hikari.dataSource.socketTimeout")).isEqualTo("60000");
        assertThat(HibernateBootstrap.driverProperties(settings).getProperty("socketTimeout")).isNull();
        // the URL's own value reaches the driver from the URL: no property overrides it
        assertThat(HibernateBootstrap.poolDriverProperties(ownTimeout).getProperty("socketTimeout")).isNull();
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

    @Test
    void startsOnlyWhereTheServerAdmitsTheInsertOfAnEventWithinThePayloadLimit() {
        MySqlSettings settings = MySqlSettings.of("jdbc:mysql://127.0.0.1:3306/test", "app", "pw");
        long mariaDbDefault = 16L << 20;

        assertThat(HibernateBootstrap.packetNeeded(1 << 20)).as("the default limit: 2 MiB of hex, metadata, the rest")
                .isEqualTo(2_232_318L).isLessThan(mariaDbDefault);
        HibernateBootstrap.checkPacketSize(settings, mariaDbDefault);
        long largest = HibernateBootstrap.largestPayloadLimit(mariaDbDefault);
        assertThat(largest).isEqualTo(8_321_025L);
        HibernateBootstrap.checkPacketSize(settings.withPayloadLimit((int) largest), mariaDbDefault);

        assertThatThrownBy(() -> HibernateBootstrap.checkPacketSize(settings.withPayloadLimit((int) largest + 1),
                mariaDbDefault))
                .isInstanceOf(PermanentPortException.class)
                .hasMessage("MySQL server's max_allowed_packet on jdbc:mysql://127.0.0.1:3306/test as app with TLS"
                        + " disabled is 16777216 bytes, but an event within the payload limit of 8321026 bytes"
                        + " (MySqlSettings.payloadLimit, EVENTSOURCE_MAX_PAYLOAD_BYTES) needs 16777218 (the driver sends"
                        + " a payload hex-encoded, at twice its size, with its metadata): raise max_allowed_packet on the"
                        + " server (SET GLOBAL max_allowed_packet = 16777218, and in its configuration file) or lower"
                        + " the payload limit to at most 8321025 bytes");
    }
}
