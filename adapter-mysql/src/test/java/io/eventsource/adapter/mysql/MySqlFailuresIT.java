package io.eventsource.adapter.mysql;

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

/** How the adapter fails: a store that goes away is transient for every operation, a schema that does not fit is permanent. */
class MySqlFailuresIT {
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
            MySqlSettings settings = database.settings().withPoolSize(2).withJdbcUrl(
                    "jdbc:mysql://127.0.0.1:" + proxy.port() + server.getRawPath()
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
            // the URL's socket timeout wins over the adapter's 60 s, so that the test waits 1 s
            MySqlSettings settings = database.settings().withPoolSize(2).withJdbcUrl(
                    "jdbc:mysql://127.0.0.1:" + proxy.port() + server.getRawPath() + "?"
                            + (server.getRawQuery() == null ? "" : server.getRawQuery() + "&") + "socketTimeout=1000");
            // a connection idle in the pool is checked before it is lent, for up to 250 ms here rather than 5 s
            HibernateDatabase frozenAfterAppend = new HibernateDatabase(settings, Map.of(
                    "hibernate.hikari.connectionTimeout", "1000", "hibernate.hikari.validationTimeout", "250"));
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
                // the pools' shutdown would wait for their frozen connections (up to 10 s each): cut them first
                proxy.cut();
            }
        }
    }

    @Test
    void aSchemaThatDoesNotFitTheMappingIsAPermanentFailureAtStart() {
        database.execute("CREATE TABLE " + database.name() + ".es_bad_event (global_position BIGINT PRIMARY KEY)");
        MySqlSettings settings = database.settings().withTablePrefix("es_bad_");

        assertThatThrownBy(() -> HibernateBootstrap.open(settings))
                .isInstanceOf(PermanentPortException.class)
                .hasMessageContaining("es_bad_event");
    }

    @Test
    void tlsThatCannotBeEstablishedIsAPermanentFailureThatSaysTls() {
        // the local MariaDB offers no TLS: both modes that insist on it fail, and a retry would fail the same way
        for (MySqlSettings.Tls mode : List.of(MySqlSettings.Tls.REQUIRED, MySqlSettings.Tls.VERIFY_IDENTITY)) {
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
