package io.eventsource.examples;

import io.eventsource.adapter.postgresql.PostgreSqlSettings;
import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.core.Publication;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event end to end on RabbitMQ, Redis and PostgreSQL ({@link RealServicesOnPostgreSqlComposition}): published,
 * logged, delivered to a listening service, handled and acked in PostgreSQL, in a namespace of its own.
 */
class PostgreSqlServicesIT {
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** The local server with trust authentication; a variable of the tests only, as in the adapter's ITs. */
    private static final RealService POSTGRESQL = new RealService("PostgreSQL", "EVENTSOURCE_POSTGRESQL_URL",
            URI.create(PostgreSqlSettings.DEFAULT_JDBC_URL),
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");

    @Test
    void anEventPublishedIsHandledByTheListeningServiceAndAckedInPostgreSql() throws Exception {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        String url = POSTGRESQL.locate().toString();
        RealSettings settings = RealSettings.fromEnvironment().withNamespace(
                RealStack.freshNamespace(RealSettings.fromEnvironment().namespace(), "pg"));
        PostgreSqlSettings postgreSql = PostgreSqlSettings.defaults().withJdbcUrl(url)
                .withNamespace(settings.namespace());
        RealServicesOnPostgreSqlComposition composition = DaggerRealServicesOnPostgreSqlComposition.factory().create(
                settings.expiry(), settings.options(), settings.rabbitMq(), settings.redis(), postgreSql);
        List<Event> handled = new CopyOnWriteArrayList<>();
        try {
            Eventsource eventsource = composition.eventsource();
            Listener ads = eventsource.listener(ADS);
            ads.listen("Product", "projections").onAny(handled::add);
            ads.start();
            assertThat(awaitUntil(() -> composition.serviceRegistry().liveServices(AggregateType.of("Product"),
                    Instant.now()).contains(ADS))).as("ads live").isTrue();
            AggregateRef product = AggregateRef.of("Product", "pg-1");
            NewEvent renamed = new NewEvent(EventId.random(), EventName.of("Renamed"), Payload.json("{\"name\":\"Lamp\"}"),
                    Map.of("correlation", "c-1"), Instant.now());

            Publication publication = eventsource.publisher().publish(product, renamed);

            assertThat(publication.isSent()).isTrue();
            assertThat(awaitUntil(() -> handled.size() == 1)).as("handled").isTrue();
            assertThat(handled.get(0).id()).isEqualTo(renamed.id());
            assertThat(handled.get(0).payload()).isEqualTo(renamed.payload());
            AckKey key = new AckKey(renamed.id(), ADS, Projection.of("projections"));
            assertThat(awaitUntil(() -> composition.ackStore().find(List.of(key)).containsKey(key))).as("acked").isTrue();
            assertThat(composition.ackStore().find(List.of(key)).get(key)).extracting(Ack::isOk).isEqualTo(true);
            assertThat(composition.eventLog().read(product, 1, 1)).extracting(Event::id).containsExactly(renamed.id());
        } finally {
            composition.eventsource().close();
            composition.messageBus().close();
            composition.serviceRegistry().close();
            composition.ackStore().close();
            composition.eventLog().close();
            composition.scheduler().close();
            NamespaceCleanup.dropAnnouncements(settings, List.of(Binding.of("ads", "Product", "projections")));
            dropTables(postgreSql);
        }
    }

    /** Polls every 100 ms until {@code settled} holds or the deadline passes (real time: there is no virtual clock). */
    private static boolean awaitUntil(BooleanSupplier settled) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (settled.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return settled.getAsBoolean();
    }

    private static void dropTables(PostgreSqlSettings settings) throws SQLException {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement statement = connection.createStatement()) {
            for (String table : List.of("event", "ack", "checkpoint", "log_head", "flyway_history")) {
                // a prefix validated by PostgreSqlSettings
                statement.execute("DROP TABLE IF EXISTS " + settings.tablePrefix() + table);
            }
        }
    }
}
