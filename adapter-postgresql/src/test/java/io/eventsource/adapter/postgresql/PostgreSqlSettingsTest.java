package io.eventsource.adapter.postgresql;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class PostgreSqlSettingsTest {
    @Test
    void readsTheEnvironmentAndDefaultsToTheLocalDatabase() {
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of())).isEqualTo(PostgreSqlSettings.defaults());
        assertThat(PostgreSqlSettings.defaults().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(PostgreSqlSettings.defaults().user()).isEqualTo("postgres");
        assertThat(PostgreSqlSettings.defaults().password()).isEmpty();
        assertThat(PostgreSqlSettings.defaults().tablePrefix()).isEqualTo("es_");

        PostgreSqlSettings configured = PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", " jdbc:postgresql://db:3307/prod ",
                "EVENTSOURCE_JDBC_USER", "app", "EVENTSOURCE_JDBC_PASSWORD", " secret "));
        assertThat(configured.jdbcUrl()).isEqualTo("jdbc:postgresql://db:3307/prod");
        assertThat(configured.user()).isEqualTo("app");
        assertThat(configured.password()).isEqualTo(" secret ");
    }

    @Test
    void aNamespaceGetsTablesOfItsOwn() {
        assertThat(PostgreSqlSettings.defaults().withNamespace(Namespace.of("staging.")).tablePrefix()).isEqualTo("staging_es_");
        assertThat(PostgreSqlSettings.defaults().withNamespace(Namespace.of("team_a_it.")).tablePrefix()).isEqualTo("team_a_it_es_");
        assertThat(PostgreSqlSettings.defaults().withNamespace(Namespace.NONE).tablePrefix()).isEqualTo("es_");
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "ci.")).tablePrefix()).isEqualTo("ci_es_");
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", " ci. ")).tablePrefix()).isEqualTo("ci_es_");
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", " ")).tablePrefix()).isEqualTo("es_");
        assertThatThrownBy(() -> PostgreSqlSettings.defaults().withNamespace(Namespace.of("1st.")))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("starting with a letter");
    }

    @Test
    void everyNamespaceHasTablesWithinThePrefixLimit() {
        Namespace longest = Namespace.of("n".repeat(Namespace.MAX_NAME_LENGTH) + ".");

        assertThat(PostgreSqlSettings.defaults().withNamespace(longest).tablePrefix()).hasSize(PostgreSqlSettings.MAX_PREFIX_LENGTH);
    }

    @Test
    void refusesANamespaceThatCouldShareTablesNamingTheVariableAndTheValidForm() {
        assertThatThrownBy(() -> PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "Team-A:it")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_NAMESPACE: Namespace must be")
                .hasMessageContaining("did you mean \"team_a_it.\"?");
        assertThatThrownBy(() -> PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "iso.a.")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("did you mean \"iso_a.\"?");
    }

    @Test
    void neverPrintsThePassword() {
        assertThat(PostgreSqlSettings.of("jdbc:postgresql://h/db", "u", "hunter2").toString()).doesNotContain("hunter2").contains("***")
                .contains("tls=verify-identity");
        assertThatThrownBy(() -> PostgreSqlSettings.of("jdbc:mysql://u:hunter2@h/db", "u", "pw"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("PostgreSQL JDBC URL")
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://127.0.0.1:5432/test", "jdbc:postgresql://localhost/db", "jdbc:postgresql://LOCALHOST:3307/db",
            "jdbc:postgresql://127.1.2.3/db", "jdbc:postgresql://[::1]:3306/db", "jdbc:postgresql://[0:0:0:0:0:0:0:1]/db",
            "jdbc:postgresql:///db", "jdbc:postgresql://:3306/db", "jdbc:postgresql://127.0.0.1:3306,localhost:3307/db",
            "jdbc:postgresql://127.0.0.1,127.0.0.2/db?loadBalanceHosts=true"})
    void turnsTlsOffByDefaultWhereEveryHostIsLoopback(String url) {
        assertThat(PostgreSqlSettings.of(url, "app", "pw").tls()).isEqualTo(PostgreSqlSettings.Tls.DISABLED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db.internal:3306/prod", "jdbc:postgresql://my_host/db", "jdbc:postgresql://10.0.0.5/db",
            "jdbc:postgresql://127.0.0.1.example.com/db", "jdbc:postgresql://localhost.example.com/db", "jdbc:postgresql://[::2]/db",
            "jdbc:postgresql://127.0.0.1,db.internal/db", "jdbc:postgresql:db", "jdbc:postgresql://[localhost:3306,localhost:3307]/db",
            "jdbc:postgresql://localhost,db.internal/prod?targetServerType=primary"})
    void verifiesTheServersIdentityByDefaultAnywhereElseOrWhereTheHostsCannotBeRead(String url) {
        assertThat(PostgreSqlSettings.of(url, "app", "pw").tls()).isEqualTo(PostgreSqlSettings.Tls.VERIFY_IDENTITY);
    }

    @Test
    void readsTheTlsModeFromTheEnvironmentAndSaysWhichValuesAreAllowed() {
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of()).tls()).isEqualTo(PostgreSqlSettings.Tls.DISABLED);
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", "jdbc:postgresql://db.internal/prod")).tls())
                .isEqualTo(PostgreSqlSettings.Tls.VERIFY_IDENTITY);
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_TLS", " required ")).tls())
                .isEqualTo(PostgreSqlSettings.Tls.REQUIRED);
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", "jdbc:postgresql://db.internal/prod",
                "EVENTSOURCE_JDBC_TLS", "disabled")).tls()).isEqualTo(PostgreSqlSettings.Tls.DISABLED);
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_TLS", "VERIFY_IDENTITY")).tls())
                .isEqualTo(PostgreSqlSettings.Tls.VERIFY_IDENTITY);
        assertThatThrownBy(() -> PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_TLS", "on")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("EVENTSOURCE_JDBC_TLS must be disabled, required or verify-identity, got \"on\"");
        assertThat(PostgreSqlSettings.Tls.VERIFY_IDENTITY).hasToString("verify-identity");
    }

    @Test
    void anotherUrlTakesTheTlsModeOfItsHostsSoThatTlsIsNeverLeftOffForARemoteHost() {
        PostgreSqlSettings remote = PostgreSqlSettings.defaults().withJdbcUrl("jdbc:postgresql://db.internal/prod");
        assertThat(remote.tls()).isEqualTo(PostgreSqlSettings.Tls.VERIFY_IDENTITY);
        assertThat(remote.withTls(PostgreSqlSettings.Tls.REQUIRED).tls()).isEqualTo(PostgreSqlSettings.Tls.REQUIRED);
        assertThat(remote.withTls(PostgreSqlSettings.Tls.REQUIRED).withJdbcUrl("jdbc:postgresql://localhost/test").tls())
                .isEqualTo(PostgreSqlSettings.Tls.DISABLED);
        assertThatThrownBy(() -> PostgreSqlSettings.defaults().withTls(null)).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://app:s3cret@db/prod", "jdbc:postgresql://app@db/prod", "jdbc:postgresql://db/prod?password=s3cret",
            "jdbc:postgresql://db/prod?user=app&Password=s3cret", "jdbc:postgresql://db/prod?password1=s3cret",
            "jdbc:postgresql://app:p@ss/w:rd%s3cret@db/prod", "jdbc:postgresql://db/prod?sslpassword=s3cret"})
    void refusesAUrlThatHoldsCredentialsWithoutShowingThemAndNamesThePasswordVariable(String url) {
        Throwable refusal = catchThrowable(() -> PostgreSqlSettings.of(url, "app", "pw"));
        assertThat(refusal).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("must not hold credentials")
                .hasMessageContaining("EVENTSOURCE_JDBC_PASSWORD")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", url)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_JDBC_URL: PostgreSqlSettings jdbcUrl must not hold credentials")
                .hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sslmode=disable", "ssl=false", "sslfactory=org.postgresql.ssl.NonValidatingFactory",
            "SSLMODE=require"})
    void refusesAUrlThatSetsTlsItselfPointingAtTheSetting(String parameter) {
        assertThatThrownBy(() -> PostgreSqlSettings.of("jdbc:postgresql://db/prod?x=1&" + parameter, "app", "pw"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("must not set " + parameter.substring(0, parameter.indexOf('=')))
                .hasMessageContaining("EVENTSOURCE_JDBC_TLS");
    }

    @Test
    void refusesAPortThatIsNoPortButTakesAHostWithAnUnderscore() {
        for (String url : new String[]{"jdbc:postgresql://db:33x6/prod", "jdbc:postgresql://db:0/prod", "jdbc:postgresql://db:65536/prod",
                "jdbc:postgresql://db:3306,db2:x/prod", "jdbc:postgresql://[::1]:port/prod"}) {
            assertThatThrownBy(() -> PostgreSqlSettings.of(url, "app", "pw")).as(url)
                    .isInstanceOf(InvalidValueException.class).hasMessageContaining("port must be a number 1-65535");
        }
        assertThat(PostgreSqlSettings.of("jdbc:postgresql://my_db_host:3306/prod", "app", "pw").jdbcUrl())
                .isEqualTo("jdbc:postgresql://my_db_host:3306/prod");
    }

    @Test
    void refusesSettingsOutsideTheirRangeSayingWhatIsAllowed() {
        PostgreSqlSettings settings = PostgreSqlSettings.defaults();
        assertThatThrownBy(() -> settings.withJdbcUrl("jdbc:mysql://h/db"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("PostgreSQL JDBC URL");
        assertThatThrownBy(() -> settings.withTablePrefix("Es-"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("[a-z0-9_] starting with a letter");
        assertThatThrownBy(() -> settings.withTablePrefix("x".repeat(41)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("1-40 characters");
        assertThatThrownBy(() -> settings.withPayloadLimit(PostgreSqlSettings.MAX_PAYLOAD_LIMIT + 1))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("payloadLimit must be 1-16777215");
        assertThatThrownBy(() -> settings.withPoolSize(0)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> settings.withAckBatching(0, Duration.ZERO)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> settings.withAckBatching(10, Duration.ofSeconds(2))).isInstanceOf(InvalidValueException.class);
        assertThat(settings.withTablePrefix("staging_es_").tablePrefix()).isEqualTo("staging_es_");
    }

    @Test
    void readsThePayloadLimitFromItsVariable() {
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of()).payloadLimit()).isEqualTo(1_048_576);
        assertThat(PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "2097152")).payloadLimit())
                .isEqualTo(2_097_152);
        assertThatThrownBy(() -> PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "2MB")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_MAX_PAYLOAD_BYTES must be a whole number of bytes");
        assertThatThrownBy(() -> PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "16777216")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("EVENTSOURCE_MAX_PAYLOAD_BYTES must be at most 16777215 bytes for the PostgreSQL adapter,"
                        + " got 16777216");
    }
}
