package io.eventsource.examples.springboot;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.eventsource.domain.Binding;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application against the real services: RabbitMQ, Redis, and MariaDB/MySQL through the application's
 * DataSource (the starter's own JDBC URL points nowhere, so the run can only have used the DataSource), in a namespace
 * of its own, with a smaller scenario (120 events over 12 products). Every binding must ack every event ok. Skipped,
 * saying how to start them, when the services are missing (failed on CI).
 */
// declared before @SpringBootTest, so that it runs after Spring's extension has closed the context (and the runtime)
@ExtendWith(ShopApplicationIT.DropNamespace.class)
@SpringBootTest(classes = ShopApplication.class, properties = {"scenario.events=120", "scenario.products=12",
        "eventsource.jdbc.url=jdbc:mysql://127.0.0.1:1/not_used"})
@DirtiesContext
class ShopApplicationIT {
    private static final String NAMESPACE = "it_spring_" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static final String TABLE_PREFIX = NAMESPACE.replace('.', '_') + "es_";
    /** Set once every service was found: only then is there anything to drop. */
    private static volatile boolean servicesFound;

    @Autowired
    private Scenario scenario;
    @Autowired
    @Qualifier("eventsourceHealthIndicator")
    private HealthIndicator health;
    @Autowired
    private DataSource dataSource;

    @BeforeAll
    static void realServices() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
        servicesFound = true;
    }

    @DynamicPropertySource
    static void namespace(DynamicPropertyRegistry properties) {
        properties.add("eventsource.namespace", () -> NAMESPACE);
    }

    @Test
    void everyBindingHandlesEveryEventOfTheScenarioOk() throws Exception {
        Scenario.Result result = scenario.result();
        assertThat(result).as("the scenario ran at start-up").isNotNull();
        assertThat(result.published()).isEqualTo(120);
        assertThat(result.failedPublishes()).isZero();
        assertThat(result.acks().keySet()).containsExactlyInAnyOrderElementsOf(Scenario.BINDINGS);
        for (Binding binding : Scenario.BINDINGS) {
            int[] okFail = result.acks().get(binding);
            assertThat(okFail).as("ok and fail acks of %s", binding).containsExactly(120, 0);
        }
        assertThat(scenario.getExitCode()).isZero();

        // the event log is on the application's DataSource
        try (java.sql.Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + TABLE_PREFIX + "event")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(120);
        }

        Health now = health.health();
        assertThat(now.getStatus()).isEqualTo(Status.UP);
        assertThat(now.getDetails()).containsEntry("broker", "UP").containsEntry("database", "UP")
                .containsKeys("registry", "relayBacklog");
    }

    /**
     * Drops the namespace's tables and its durable announcement exchange and queues once the context (and with it the
     * runtime) is closed; the rest expires.
     */
    static final class DropNamespace implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext extension) throws Exception {
            if (servicesFound) {
                dropTheNamespace();
            }
        }
    }

    static void dropTheNamespace() throws Exception {
        URI mysql = RealService.MYSQL.locate();
        String jdbcUrl = mysql.toString().startsWith("jdbc:") ? mysql.toString() : "jdbc:" + mysql;
        try (java.sql.Connection connection = DriverManager.getConnection(jdbcUrl,
                env("EVENTSOURCE_JDBC_USER", "eventsource"), env("EVENTSOURCE_JDBC_PASSWORD", "eventsource"))) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement find = connection.prepareStatement("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = DATABASE()");
                 ResultSet rows = find.executeQuery()) {
                while (rows.next()) {
                    if (rows.getString(1).startsWith(TABLE_PREFIX)) {
                        tables.add(rows.getString(1));
                    }
                }
            }
            try (Statement drop = connection.createStatement()) {
                for (String table : tables) {
                    drop.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RealService.RABBITMQ.locate());
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            for (Binding binding : Scenario.BINDINGS) {
                channel.queueDelete(NAMESPACE + ProductEvents.PRODUCT + "AggregateIds-" + binding.service().value());
            }
            channel.exchangeDelete(NAMESPACE + ProductEvents.PRODUCT + "AggregateIds");
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
