package io.eventsource.adapter.postgresql;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * How the adapter fails: a store that goes away is transient for every operation; a schema that does not fit, a role
 * the server refuses and TLS that cannot be established are permanent.
 */
class PostgreSqlFailuresIT {
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
    void aStoreThatGoesAwayIsATransientFailureOfEveryOperation() throws Exception {
        URI server = URI.create(database.settings().jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort())) {
            PostgreSqlSettings settings = database.settings().withPoolSize(2).withJdbcUrl(
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + server.getRawPath()
                            + (server.getRawQuery() == null ? "" : "?" + server.getRawQuery()));
            // callers wait 1 s rather than 5 for a connection that cannot come
            SessionFactory sessionFactory = HibernateBootstrap.open(settings, Map.of("hibernate.hikari.connectionTimeout", "1000"));
            try (HibernateAckStore acks = new HibernateAckStore(sessionFactory, settings, 0)) {
                HibernateEventLog log = new HibernateEventLog(sessionFactory, settings);
                AggregateRef aggregate = AggregateRef.of("Product", "down");
                log.append(aggregate, ExpectedVersion.NONE, List.of(event()));

                proxy.cut();

                assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.exactly(1), List.of(event())))
                        .isInstanceOf(TransientPortException.class).hasMessageContaining("append to Product-down");
                assertThatThrownBy(() -> log.version(aggregate)).isInstanceOf(TransientPortException.class);
                Ack ack = new Ack(new AckKey(EventId.random(), ServiceName.of("ads"), Projection.of("p")), AckStatus.OK, 1,
                        "", aggregate, 1, Instant.now());
                assertThatThrownBy(() -> acks.record(List.of(ack)).toCompletableFuture().get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TransientPortException.class);
                assertThatThrownBy(() -> acks.find(List.of(ack.key())))
                        .isInstanceOf(PortException.class)
                        .satisfies(failure -> assertThat(((PortException) failure).isTransient()).isTrue());
            } finally {
                sessionFactory.close();
            }
        }
    }

    @Test
    void aStatementOnAConnectionThatStopsAnsweringFailsAsTransientAfterTheSocketTimeout() throws Exception {
        URI server = URI.create(database.settings().jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort())) {
            // the URL's socket timeout (in seconds) wins over the adapter's 60, so that the test waits 1 s
            PostgreSqlSettings settings = database.settings().withPoolSize(2).withJdbcUrl(
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + server.getRawPath() + "?"
                            + (server.getRawQuery() == null ? "" : server.getRawQuery() + "&") + "socketTimeout=1");
            HibernateDatabase frozenAfterAppend = new HibernateDatabase(settings,
                    Map.of("hibernate.hikari.connectionTimeout", "1000"));
            try (HibernateAckStore acks = new HibernateAckStore(frozenAfterAppend, settings);
                 HibernateEventLog log = new HibernateEventLog(frozenAfterAppend, settings)) {
                AggregateRef aggregate = AggregateRef.of("Product", "frozen");
                log.append(aggregate, ExpectedVersion.NONE, List.of(event()));
                assertThat(log.version(aggregate)).isEqualTo(1);

                proxy.freeze();

                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                    assertThatThrownBy(() -> log.version(aggregate))
                            .isInstanceOf(TransientPortException.class)
                            .hasMessageContaining("read the version of Product-frozen");
                    assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.exactly(1), List.of(event())))
                            .isInstanceOf(TransientPortException.class)
                            .hasMessageContaining("append to Product-frozen");
                });
            }
        }
    }

    @Test
    void aSchemaThatDoesNotFitTheMappingIsAPermanentFailureAtStart() {
        String prefix = database.prefix() + "bad_";
        database.execute("CREATE TABLE " + prefix + "event (global_position BIGINT PRIMARY KEY)");
        PostgreSqlSettings settings = database.settings().withTablePrefix(prefix);
        try {
            assertThatThrownBy(() -> HibernateBootstrap.open(settings))
                    .isInstanceOf(PermanentPortException.class)
                    .hasMessageContaining("migration of tables " + prefix + "*")
                    .hasMessageContaining("column \"aggregate_type\" does not exist");
        } finally {
            for (String name : Tables.NAMES) {
                database.execute("DROP TABLE IF EXISTS " + prefix + name);
            }
        }
    }

    @Test
    void aRoleTheServerRefusesIsAPermanentFailureAtStart() {
        // trust authentication takes any password: what the server refuses for good is a role it does not know, or one
        // that may not log in (both SQLState 28000, invalid authorization)
        PostgreSqlSettings unknown = TestDatabase.asUnknownUser(database.settings());
        assertThatThrownBy(() -> HibernateBootstrap.open(unknown))
                .isInstanceOf(PermanentPortException.class)
                .hasMessageContaining("as " + unknown.user())
                .hasMessageContaining("role \"" + unknown.user() + "\" does not exist")
                .hasMessageContaining("SQLState 28000");

        String noLogin = database.prefix() + "nologin";
        database.execute("CREATE ROLE " + noLogin + " NOLOGIN");
        try {
            PostgreSqlSettings settings = new PostgreSqlSettings(unknown.jdbcUrl(), noLogin, "", unknown.tls(), 1,
                    unknown.payloadLimit(), unknown.ackBatchSize(), unknown.ackFlushInterval(), unknown.tablePrefix());
            assertThatThrownBy(() -> HibernateBootstrap.open(settings))
                    .isInstanceOf(PermanentPortException.class)
                    .hasMessageContaining("role \"" + noLogin + "\" is not permitted to log in")
                    .hasMessageContaining("SQLState 28000");
        } finally {
            database.execute("DROP ROLE " + noLogin);
        }
    }

    @Test
    void tlsThatCannotBeEstablishedIsAPermanentFailureThatSaysTls() {
        // the local server offers no TLS (ssl = off): both modes that insist on it fail, and a retry would fail the same way
        for (PostgreSqlSettings.Tls mode : List.of(PostgreSqlSettings.Tls.REQUIRED, PostgreSqlSettings.Tls.VERIFY_IDENTITY)) {
            assertThatThrownBy(() -> HibernateBootstrap.open(database.settings().withTls(mode)))
                    .as(mode.value())
                    .isInstanceOf(PermanentPortException.class)
                    .hasMessageContaining("TLS could not be established")
                    .hasMessageContaining("with TLS " + mode.value())
                    .hasMessageContaining("EVENTSOURCE_JDBC_TLS");
        }
    }

    private static NewEvent event() {
        return new NewEvent(EventId.random(), EventName.of("Changed"), Payload.json("{}"), Map.of(), Instant.now());
    }
}
