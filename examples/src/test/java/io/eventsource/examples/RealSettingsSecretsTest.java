package io.eventsource.examples;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.domain.InvalidValueException;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a deployment configures by environment keeps its passwords to itself, printed whole or refused. */
class RealSettingsSecretsTest {
    private static final String PASSWORD = "Zq7@x/Y:9%w";

    @Test
    void theWholeConfigurationPrintsNoPassword() {
        RealSettings settings = RealSettings.fromEnvironment(Map.of(
                "EVENTSOURCE_REDIS_URI", "rediss://app:" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
                        + "@cache.internal:6380/1",
                "EVENTSOURCE_JDBC_URL", "jdbc:mysql://db.internal:3306/prod",
                "EVENTSOURCE_JDBC_USER", "app",
                "EVENTSOURCE_JDBC_PASSWORD", PASSWORD));

        assertThat(settings.mySql().password()).isEqualTo(PASSWORD);
        assertThat(settings.mySql().tls()).isEqualTo(MySqlSettings.Tls.VERIFY_IDENTITY);
        assertThat(settings.toString()).doesNotContain(PASSWORD).doesNotContain("Zq7")
                .contains("rediss://app:****@cache.internal:6380/1").contains("tls=verify-identity");
    }

    @Test
    void aDatabaseUrlWithAPasswordIsRefusedAndPointsAtThePasswordVariable() {
        assertThatThrownBy(() -> RealSettings.fromEnvironment(Map.of(
                "EVENTSOURCE_JDBC_URL", "jdbc:mysql://app:" + PASSWORD + "@db.internal:3306/prod")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("EVENTSOURCE_JDBC_PASSWORD")
                .hasMessageNotContaining("Zq7");
    }

    @Test
    void theDatabaseTlsModeComesFromItsVariable() {
        assertThat(RealSettings.fromEnvironment(Map.of()).mySql().tls()).isEqualTo(MySqlSettings.Tls.DISABLED);
        assertThat(RealSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_TLS", "required")).mySql().tls())
                .isEqualTo(MySqlSettings.Tls.REQUIRED);
        assertThatThrownBy(() -> RealSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_TLS", "yes")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("EVENTSOURCE_JDBC_TLS must be disabled, required or verify-identity");
    }
}
