package io.eventsource.adapter.mysql;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MySqlSettingsTest {
    @Test
    void readsTheEnvironmentAndDefaultsToTheLocalDatabase() {
        assertThat(MySqlSettings.fromEnvironment(Map.of())).isEqualTo(MySqlSettings.defaults());
        assertThat(MySqlSettings.defaults().jdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/test");
        assertThat(MySqlSettings.defaults().user()).isEqualTo("eventsource");
        assertThat(MySqlSettings.defaults().tablePrefix()).isEqualTo("es_");

        MySqlSettings configured = MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", " jdbc:mysql://db:3307/prod ",
                "EVENTSOURCE_JDBC_USER", "app", "EVENTSOURCE_JDBC_PASSWORD", " secret "));
        assertThat(configured.jdbcUrl()).isEqualTo("jdbc:mysql://db:3307/prod");
        assertThat(configured.user()).isEqualTo("app");
        assertThat(configured.password()).isEqualTo(" secret ");
    }

    @Test
    void aNamespaceGetsTablesOfItsOwn() {
        assertThat(MySqlSettings.defaults().withNamespace(Namespace.of("staging.")).tablePrefix()).isEqualTo("staging_es_");
        assertThat(MySqlSettings.defaults().withNamespace(Namespace.of("team_a_it.")).tablePrefix()).isEqualTo("team_a_it_es_");
        assertThat(MySqlSettings.defaults().withNamespace(Namespace.NONE).tablePrefix()).isEqualTo("es_");
        assertThat(MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "ci.")).tablePrefix()).isEqualTo("ci_es_");
        assertThat(MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", " ci. ")).tablePrefix()).isEqualTo("ci_es_");
        assertThat(MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", " ")).tablePrefix()).isEqualTo("es_");
        assertThatThrownBy(() -> MySqlSettings.defaults().withNamespace(Namespace.of("1st.")))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("starting with a letter");
    }

    @Test
    void everyNamespaceHasTablesWithinThePrefixLimit() {
        Namespace longest = Namespace.of("n".repeat(Namespace.MAX_NAME_LENGTH) + ".");

        assertThat(MySqlSettings.defaults().withNamespace(longest).tablePrefix()).hasSize(MySqlSettings.MAX_PREFIX_LENGTH);
    }

    @Test
    void refusesANamespaceThatCouldShareTablesNamingTheVariableAndTheValidForm() {
        assertThatThrownBy(() -> MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "Team-A:it")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_NAMESPACE: Namespace must be")
                .hasMessageContaining("did you mean \"team_a_it.\"?");
        assertThatThrownBy(() -> MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "iso.a.")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("did you mean \"iso_a.\"?");
    }

    @Test
    void neverPrintsThePassword() {
        assertThat(MySqlSettings.of("jdbc:mysql://h/db", "u", "hunter2").toString()).doesNotContain("hunter2").contains("***");
    }

    @Test
    void refusesSettingsOutsideTheirRangeSayingWhatIsAllowed() {
        MySqlSettings settings = MySqlSettings.defaults();
        assertThatThrownBy(() -> settings.withJdbcUrl("jdbc:postgresql://h/db"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("mysql-connector-j URL");
        assertThatThrownBy(() -> settings.withTablePrefix("Es-"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("[a-z0-9_] starting with a letter");
        assertThatThrownBy(() -> settings.withTablePrefix("x".repeat(41)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("1-40 characters");
        assertThatThrownBy(() -> settings.withPayloadLimit(MySqlSettings.MAX_PAYLOAD_LIMIT + 1))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("MEDIUMBLOB");
        assertThatThrownBy(() -> settings.withPoolSize(0)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> settings.withAckBatching(0, Duration.ZERO)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> settings.withAckBatching(10, Duration.ofSeconds(2))).isInstanceOf(InvalidValueException.class);
        assertThat(settings.withTablePrefix("staging_es_").tablePrefix()).isEqualTo("staging_es_");
    }
}
