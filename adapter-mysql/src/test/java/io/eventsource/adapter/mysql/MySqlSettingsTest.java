package io.eventsource.adapter.mysql;

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
        assertThat(MySqlSettings.of("jdbc:mysql://h/db", "u", "hunter2").toString()).doesNotContain("hunter2").contains("***")
                .contains("tls=verify-identity");
        assertThatThrownBy(() -> MySqlSettings.of("jdbc:postgresql://u:hunter2@h/db", "u", "pw"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("mysql-connector-j URL")
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://127.0.0.1:3306/test", "jdbc:mysql://localhost/db", "jdbc:mysql://LOCALHOST:3307/db",
            "jdbc:mysql://127.1.2.3/db", "jdbc:mysql://[::1]:3306/db", "jdbc:mysql://[0:0:0:0:0:0:0:1]/db",
            "jdbc:mysql:///db", "jdbc:mysql://:3306/db", "jdbc:mysql://127.0.0.1:3306,localhost:3307/db",
            "jdbc:mysql:loadbalance://127.0.0.1,127.0.0.2/db?loadBalanceStrategy=random"})
    void turnsTlsOffByDefaultWhereEveryHostIsLoopback(String url) {
        assertThat(MySqlSettings.of(url, "app", "pw").tls()).isEqualTo(MySqlSettings.Tls.DISABLED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://db.internal:3306/prod", "jdbc:mysql://my_host/db", "jdbc:mysql://10.0.0.5/db",
            "jdbc:mysql://127.0.0.1.example.com/db", "jdbc:mysql://localhost.example.com/db", "jdbc:mysql://[::2]/db",
            "jdbc:mysql://127.0.0.1,db.internal/db", "jdbc:mysql://address=(host=127.0.0.1)(port=3306)/db",
            "jdbc:mysql://(host=localhost,port=3306)/db", "jdbc:mysql://[localhost:3306,localhost:3307]/db",
            "jdbc:mysql:replication://localhost,db.internal/prod"})
    void verifiesTheServersIdentityByDefaultAnywhereElseOrWhereTheHostsCannotBeRead(String url) {
        assertThat(MySqlSettings.of(url, "app", "pw").tls()).isEqualTo(MySqlSettings.Tls.VERIFY_IDENTITY);
    }

    @Test
    void readsTheTlsModeFromTheEnvironmentAndSaysWhichValuesAreAllowed() {
        assertThat(MySqlSettings.fromEnvironment(Map.of()).tls()).isEqualTo(MySqlSettings.Tls.DISABLED);
        assertThat(MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", "jdbc:mysql://db.internal/prod")).tls())
                .isEqualTo(MySqlSettings.Tls.VERIFY_IDENTITY);
        assertThat(MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_TLS", " required ")).tls())
                .isEqualTo(MySqlSettings.Tls.REQUIRED);
        assertThat(MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", "jdbc:mysql://db.internal/prod",
                "EVENTSOURCE_JDBC_TLS", "disabled")).tls()).isEqualTo(MySqlSettings.Tls.DISABLED);
        assertThat(MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_TLS", "VERIFY_IDENTITY")).tls())
                .isEqualTo(MySqlSettings.Tls.VERIFY_IDENTITY);
        assertThatThrownBy(() -> MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_TLS", "on")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("EVENTSOURCE_JDBC_TLS must be disabled, required or verify-identity, got \"on\"");
        assertThat(MySqlSettings.Tls.VERIFY_IDENTITY).hasToString("verify-identity");
    }

    @Test
    void anotherUrlTakesTheTlsModeOfItsHostsSoThatTlsIsNeverLeftOffForARemoteHost() {
        MySqlSettings remote = MySqlSettings.defaults().withJdbcUrl("jdbc:mysql://db.internal/prod");
        assertThat(remote.tls()).isEqualTo(MySqlSettings.Tls.VERIFY_IDENTITY);
        assertThat(remote.withTls(MySqlSettings.Tls.REQUIRED).tls()).isEqualTo(MySqlSettings.Tls.REQUIRED);
        assertThat(remote.withTls(MySqlSettings.Tls.REQUIRED).withJdbcUrl("jdbc:mysql://localhost/test").tls())
                .isEqualTo(MySqlSettings.Tls.DISABLED);
        assertThatThrownBy(() -> MySqlSettings.defaults().withTls(null)).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://app:s3cret@db/prod", "jdbc:mysql://app@db/prod", "jdbc:mysql://db/prod?password=s3cret",
            "jdbc:mysql://db/prod?user=app&Password=s3cret", "jdbc:mysql://db/prod?password1=s3cret",
            "jdbc:mysql://address=(host=db)(password=s3cret)/prod", "jdbc:mysql://(host=db,port=3306,password=s3cret)/prod",
            "jdbc:mysql://app:p@ss/w:rd%s3cret@db/prod", "jdbc:mysql://db/prod?clientCertificateKeyStorePassword=s3cret"})
    void refusesAUrlThatHoldsCredentialsWithoutShowingThemAndNamesThePasswordVariable(String url) {
        Throwable refusal = catchThrowable(() -> MySqlSettings.of(url, "app", "pw"));
        assertThat(refusal).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("must not hold credentials")
                .hasMessageContaining("EVENTSOURCE_JDBC_PASSWORD")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", url)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_JDBC_URL: MySqlSettings jdbcUrl must not hold credentials")
                .hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sslMode=DISABLED", "useSSL=false", "requireSSL=true", "verifyServerCertificate=false",
            "SSLMODE=REQUIRED"})
    void refusesAUrlThatSetsTlsItselfPointingAtTheSetting(String parameter) {
        assertThatThrownBy(() -> MySqlSettings.of("jdbc:mysql://db/prod?x=1&" + parameter, "app", "pw"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("must not set " + parameter.substring(0, parameter.indexOf('=')))
                .hasMessageContaining("EVENTSOURCE_JDBC_TLS");
        assertThatThrownBy(() -> MySqlSettings.of("jdbc:mysql://address=(host=db)(" + parameter + ")/prod", "app", "pw"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("EVENTSOURCE_JDBC_TLS");
    }

    @Test
    void refusesAPortThatIsNoPortButTakesAHostWithAnUnderscore() {
        for (String url : new String[]{"jdbc:mysql://db:33x6/prod", "jdbc:mysql://db:0/prod", "jdbc:mysql://db:65536/prod",
                "jdbc:mysql://db:3306,db2:x/prod", "jdbc:mysql://[::1]:port/prod"}) {
            assertThatThrownBy(() -> MySqlSettings.of(url, "app", "pw")).as(url)
                    .isInstanceOf(InvalidValueException.class).hasMessageContaining("port must be a number 1-65535");
        }
        assertThat(MySqlSettings.of("jdbc:mysql://my_db_host:3306/prod", "app", "pw").jdbcUrl())
                .isEqualTo("jdbc:mysql://my_db_host:3306/prod");
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

    @Test
    void readsThePayloadLimitFromItsVariable() {
        assertThat(MySqlSettings.fromEnvironment(Map.of()).payloadLimit()).isEqualTo(1_048_576);
        assertThat(MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "2097152")).payloadLimit())
                .isEqualTo(2_097_152);
        assertThatThrownBy(() -> MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "2MB")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_MAX_PAYLOAD_BYTES must be a whole number of bytes");
        assertThatThrownBy(() -> MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_MAX_PAYLOAD_BYTES", "16777216")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("EVENTSOURCE_MAX_PAYLOAD_BYTES must be at most 16777215 bytes for the MySQL adapter (its"
                        + " payload column is a MEDIUMBLOB), got 16777216");
    }
}
