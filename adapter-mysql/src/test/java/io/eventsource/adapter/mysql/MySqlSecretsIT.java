package io.eventsource.adapter.mysql;

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
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * No password reaches a message, a log line or a {@code toString}, whatever its characters and whatever the URL
 * looks like: every path that can print one is taken with passwords holding {@code @ / : %}, with everything
 * printed captured (slf4j-simple's System.err, and java.util.logging, where Hibernate logs, at every level).
 */
class MySqlSecretsIT {
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
        try (CapturedOutput output = CapturedOutput.start("org.hibernate")) {
            for (String password : PASSWORDS) {
                String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
                for (String url : List.of(
                        "jdbc:mysql://app:" + password + "@db.internal:3306/prod",
                        "jdbc:mysql://app:" + encoded + "@db.internal:3306/prod",
                        "jdbc:mysql://app:" + password + "@my_host:3306/prod",
                        "jdbc:mysql://app:" + password + "@db.internal:33x6/prod",
                        "jdbc:mysql://app:" + password + "@/prod",
                        "jdbc:mysql://app:" + password + "@:3306/prod",
                        "jdbc:mysql://db.internal/prod?user=app&password=" + password + "&useUnicode=true",
                        "jdbc:mysql://db.internal/prod?password=" + encoded,
                        "jdbc:mysql://address=(host=db.internal)(port=3306)(password=" + password + ")/prod",
                        "jdbc:mysql://(host=db.internal,port=3306,user=app,password=" + password + ")/prod",
                        "jdbc:mysql://db.internal/prod?trustCertificateKeyStorePassword=" + password)) {
                    Throwable viaSettings = catchThrowable(() -> MySqlSettings.of(url, "app", "unused"));
                    Throwable viaEnvironment = catchThrowable(() -> MySqlSettings.fromEnvironment(Map.of(
                            "EVENTSOURCE_JDBC_URL", url, "EVENTSOURCE_JDBC_PASSWORD", password)));
                    Throwable viaWith = catchThrowable(() -> MySqlSettings.defaults().withJdbcUrl(url));
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
        try (CapturedOutput output = CapturedOutput.start("org.hibernate")) {
            for (String password : PASSWORDS) {
                for (String url : List.of("jdbc:mysql://my_host:3306/prod", "jdbc:mysql://127.0.0.1:1/prod",
                        "jdbc:mysql:///prod", "jdbc:mysql://:3306/prod", "jdbc:mysql://db.internal/prod")) {
                    MySqlSettings settings = MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_URL", url,
                            "EVENTSOURCE_JDBC_USER", "app", "EVENTSOURCE_JDBC_PASSWORD", password));
                    assertThat(settings.password()).isEqualTo(password);
                    assertNoSecret(settings.toString(), password);
                    assertNoSecret(List.of(settings).toString(), password);
                }
                MySqlSettings settings = MySqlSettings.of("jdbc:mysql://db.internal/prod", "app", password);
                List<Throwable> refusals = new ArrayList<>();
                refusals.add(catchThrowable(() -> settings.withJdbcUrl("jdbc:mysql://db.internal:33x6/prod")));
                refusals.add(catchThrowable(() -> settings.withJdbcUrl("jdbc:mysql://db.internal/prod?sslMode=DISABLED")));
                refusals.add(catchThrowable(() -> settings.withJdbcUrl("jdbc:postgresql://db.internal/prod")));
                refusals.add(catchThrowable(() -> settings.withPoolSize(0)));
                refusals.add(catchThrowable(() -> settings.withTablePrefix("Bad-")));
                refusals.add(catchThrowable(() -> MySqlSettings.fromEnvironment(Map.of("EVENTSOURCE_JDBC_PASSWORD",
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
        String database = MySqlSecretsIT.database.name();
        try (CapturedOutput output = CapturedOutput.start("org.hibernate", "com.mysql")) {
            for (String password : PASSWORDS) {
                MySqlSettings valid = MySqlSecretsIT.database.settings();
                // nothing listens on port 1; my_host does not resolve; no host is localhost:3306, which refuses the password
                assertFailure(valid.withJdbcUrl("jdbc:mysql://127.0.0.1:1/" + database), password,
                        TransientPortException.class);
                assertFailure(valid.withJdbcUrl("jdbc:mysql://my_host:3306/" + database)
                        .withTls(MySqlSettings.Tls.DISABLED), password, TransientPortException.class);
                assertFailure(valid.withJdbcUrl("jdbc:mysql:///" + database), password, PermanentPortException.class);
                assertFailure(valid, password, PermanentPortException.class);
                // the server offers no TLS here
                assertFailure(valid.withTls(MySqlSettings.Tls.REQUIRED), password, PermanentPortException.class);
            }
            assertNoSecret(output.text());
        }
    }

    @Test
    void hibernateAndThePoolLogNoSecretAtStartUp() {
        MySqlSettings valid = database.settings();
        try (CapturedOutput output = CapturedOutput.start("org.hibernate", "com.mysql")) {
            // Hibernate's and HikariCP's start-up with a password the server refuses (the first password holds @ / : %),
            // past the migrations, which would stop at the refusal first
            String password = PASSWORDS.get(0);
            MySqlSettings wrong = withPassword(valid, password);
            Throwable failure = catchThrowable(() -> HibernateBootstrap.configuration(wrong, Tables.of(wrong))
                    .buildSessionFactory().close());
            assertThat(failure).isNotNull();
            assertNoSecret(CapturedOutput.printed(failure), password);
            String printed = output.text();
            assertNoSecret(printed);
            assertThat(printed).as("Hibernate's start-up and HikariCP's configuration were captured")
                    .contains("HHH102002").contains("configuration:");
        }
        try (CapturedOutput output = CapturedOutput.start("org.hibernate", "com.mysql")) {
            // and a start that succeeds: the password (eventsource) is also the user's name, so look for it as a value
            SessionFactory sessionFactory = HibernateBootstrap.open(valid);
            sessionFactory.close();
            String printed = output.text();
            assertThat(printed).as("Hibernate's settings at debug, HHH10001005, HikariCP's configuration were captured")
                    .contains("hibernate.connection.password").contains("HHH10001005").contains("configuration:")
                    .contains("MySQL adapter ready");
            assertThat(Pattern.compile("(?i)pass(word|wd)?[\"']?\\s*[=:>.]+\\s*[\"']?" + Pattern.quote(valid.password()))
                    .matcher(printed).results().map(match -> match.group()))
                    .as("a password named and followed by its value").isEmpty();
        }
    }

    private static void assertFailure(MySqlSettings settings, String password, Class<? extends PortException> kind) {
        MySqlSettings withPassword = withPassword(settings, password);
        assertNoSecret(withPassword.toString(), password);
        assertThatThrownBy(() -> HibernateBootstrap.open(withPassword, Map.of("hibernate.hikari.connectionTimeout", "1000")))
                .as(withPassword.toString()).isInstanceOf(kind)
                .satisfies(failure -> assertNoSecret(CapturedOutput.printed(failure), password));
    }

    private static MySqlSettings withPassword(MySqlSettings settings, String password) {
        return new MySqlSettings(settings.jdbcUrl(), settings.user(), password, settings.tls(), 1,
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
