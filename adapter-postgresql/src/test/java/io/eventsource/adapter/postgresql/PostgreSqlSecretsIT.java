package io.eventsource.adapter.postgresql;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * No password reaches a message, a log line or a {@code toString}, whatever its characters and whatever the URL
 * looks like: every path that can print one is taken with passwords holding {@code @ / : %}, with everything
 * printed captured (slf4j-simple's System.err, and java.util.logging, where Hibernate logs, at every level).
 */
class PostgreSqlSecretsIT {
    /** Each holds a marker ("Zq7") that appears nowhere else, and the characters that break URL parsing. */
    private static final List<String> PASSWORDS = List.of("Zq7@x/Y:9%w", "@/:%Zq7", "Zq7%40%2F%3A%25", "Zq7:@@//%%");
    private static TestDatabase database;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
    }

    @AfterAll
    static void stop() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aUrlWithAPasswordIsRefusedWithoutShowingItAndPointsAtThePasswordVariable() {
        try (CapturedOutput output = CapturedOutput.start("org.hibernate", "org.flywaydb")) {
            for (String password : PASSWORDS) {
                String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
                for (String url : List.of(
                        "jdbc:postgresql://app:" + password + "@db.internal:5432/prod",
                        "jdbc:postgresql://app:" + encoded + "@db.internal:5432/prod",
                        "jdbc:postgresql://app:" + password + "@my_host:5432/prod",
                        "jdbc:postgresql://app:" + password + "@db.internal:33x6/prod",
                        "jdbc:postgresql://app:" + password + "@/prod",
                        "jdbc:postgresql://app:" + password + "@:5432/prod",
                        "jdbc:postgresql://db.internal/prod?user=app&password=" + password + "&loggerLevel=DEBUG",
                        "jdbc:postgresql://db.internal/prod?password=" + encoded,
                        "jdbc:postgresql://db.internal/prod?sslpassword=" + password)) {
                    Throwable viaSettings = catchThrowable(() -> PostgreSqlSettings.of(url, "app", "unused"));
                    Throwable viaEnvironment = catchThrowable(() -> PostgreSqlSettings.fromEnvironment(Map.of(
                            "EVENTSOURCE_JDBC_URL", url, "EVENTSOURCE_JDBC_PASSWORD", password)));
                    Throwable viaWith = catchThrowable(() -> PostgreSqlSettings.defaults().withJdbcUrl(url));
                    for (Throwable refusal : List.of(viaSettings, viaEnvironment, viaWith)) {
                        assertThat(refusal).as(url).isInstanceOf(InvalidValueException.class)
                                .hasMessageContaining("EVENTSOURCE_JDBC_PASSWORD");
                        assertNoSecret(CapturedOutput.printed(refusal), password);
                    }
                }
            }
            assertNoSecret(output.text());
        }
    }

    @Test
    void thePasswordSettingIsNeverPrintedByTheSettingsOrTheirRefusals() {
        try (CapturedOutput output = CapturedOutput.start("org.hibernate", "org.flywaydb")) {
            for (String password : PASSWORDS) {
                for (String url : List.of("jdbc:postgresql://my_host:5432/prod", "jdbc:postgresql://127.0.0.1:1/prod",
                        "jdbc:postgresql:///prod", "jdbc:postgresql://:5432/prod", "jdbc:postgresql://db.internal/prod")) {
                    PostgreSqlSettings settings = PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", url,
                            "EVENTSOURCE_JDBC_USER", "app", "EVENTSOURCE_JDBC_PASSWORD", password));
                    assertThat(settings.password()).isEqualTo(password);
                    assertNoSecret(settings.toString(), password);
                    assertNoSecret(List.of(settings).toString(), password);
                }
                PostgreSqlSettings settings = PostgreSqlSettings.of("jdbc:postgresql://db.internal/prod", "app", password);
                List<Throwable> refusals = new ArrayList<>();
                refusals.add(catchThrowable(() -> settings.withJdbcUrl("jdbc:postgresql://db.internal:33x6/prod")));
                refusals.add(catchThrowable(() -> settings.withJdbcUrl("jdbc:postgresql://db.internal/prod?sslmode=disable")));
                refusals.add(catchThrowable(() -> settings.withJdbcUrl("jdbc:postgresql://db.internal/prod?user=other")));
                refusals.add(catchThrowable(() -> settings.withJdbcUrl("jdbc:sqlserver://db.internal/prod")));
                refusals.add(catchThrowable(() -> settings.withPoolSize(0)));
                refusals.add(catchThrowable(() -> settings.withTablePrefix("Bad-")));
                refusals.add(catchThrowable(() -> PostgreSqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_PASSWORD",
                        password, "EVENTSOURCE_JDBC_TLS", "on"))));
                for (Throwable refusal : refusals) {
                    assertThat(refusal).isInstanceOf(InvalidValueException.class);
                    assertNoSecret(CapturedOutput.printed(refusal), password);
                }
            }
            assertNoSecret(output.text());
        }
    }

    @Test
    void failingToConnectNeverPrintsThePassword() {
        try (CapturedOutput output = CapturedOutput.start("org.hibernate", "org.postgresql", "org.flywaydb")) {
            for (String password : PASSWORDS) {
                PostgreSqlSettings valid = database.settings();
                // nothing listens on port 1; my_host does not resolve; the local server knows no such user
                assertFailure(valid.withJdbcUrl("jdbc:postgresql://127.0.0.1:1/test"), password,
                        TransientPortException.class);
                assertFailure(valid.withJdbcUrl("jdbc:postgresql://my_host:5432/test")
                        .withTls(PostgreSqlSettings.Tls.DISABLED), password, TransientPortException.class);
                assertFailure(withUser(valid, "no_such_role_es"), password, PermanentPortException.class);
                // the server offers no TLS here
                assertFailure(valid.withTls(PostgreSqlSettings.Tls.REQUIRED), password, PermanentPortException.class);
            }
            assertNoSecret(output.text());
        }
    }

    @Test
    void flywayHibernateAndThePoolLogNoSecretAtStartUp() {
        // the local server trusts every password: the start succeeds with each, and prints none
        for (String password : PASSWORDS) {
            PostgreSqlSettings settings = withPassword(database.settings(), password);
            try (CapturedOutput output = CapturedOutput.start("org.hibernate", "org.postgresql", "org.flywaydb")) {
                SessionFactory sessionFactory = HibernateBootstrap.open(settings);
                sessionFactory.close();
                String printed = output.text();
                assertThat(printed).as("Hibernate's settings at debug, HHH10001005, HikariCP's configuration were captured")
                        .contains("hibernate.connection.password").contains("HHH10001005").contains("configuration:")
                        .contains("PostgreSQL adapter ready");
                assertNoSecret(printed, password);
            }
        }
    }

    private static void assertFailure(PostgreSqlSettings settings, String password, Class<? extends PortException> kind) {
        PostgreSqlSettings withPassword = withPassword(settings, password);
        assertNoSecret(withPassword.toString(), password);
        assertThatThrownBy(() -> HibernateBootstrap.open(withPassword, Map.of("hibernate.hikari.connectionTimeout", "1000")))
                .as(withPassword.toString()).isInstanceOf(kind)
                .satisfies(failure -> assertNoSecret(CapturedOutput.printed(failure), password));
    }

    private static PostgreSqlSettings withUser(PostgreSqlSettings settings, String user) {
        return new PostgreSqlSettings(settings.jdbcUrl(), user, settings.password(), settings.tls(), 1,
                settings.payloadLimit(), settings.ackBatchSize(), settings.ackFlushInterval(), settings.tablePrefix());
    }

    private static PostgreSqlSettings withPassword(PostgreSqlSettings settings, String password) {
        return new PostgreSqlSettings(settings.jdbcUrl(), settings.user(), password, settings.tls(), 1,
                settings.payloadLimit(), settings.ackBatchSize(), settings.ackFlushInterval(), settings.tablePrefix());
    }

    private static void assertNoSecret(String text) {
        for (String password : PASSWORDS) {
            assertNoSecret(text, password);
        }
    }

    private static void assertNoSecret(String text, String password) {
        assertThat(text).doesNotContain(password)
                .doesNotContain(URLEncoder.encode(password, StandardCharsets.UTF_8))
                .doesNotContain("Zq7");
    }
}
