package io.eventsource.cli;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.eventsource.adapter.mysql.MySqlNamespace;
import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.adapter.rabbitmq.RabbitMqSettings;
import io.eventsource.adapter.redis.RedisNamespace;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.examples.RealServicesComposition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code drop-namespace} on a namespace that the real runtime used (service {@code ads} handled Product 1, then
 * stopped): it refuses without the namespace typed, and then removes the tables, the broker's queues and exchanges and
 * the Redis keys, which the test checks with the services' own clients.
 */
class DropNamespaceIT {
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");

    @BeforeAll
    static void services() {
        Namespaces.requireServices();
    }

    /** A namespace that a runtime used and left: tables, announcement and aggregate queues, registry keys. */
    private static Namespace used(String label) {
        Namespace namespace = Namespaces.fresh(label);
        RealServicesComposition runtime = Namespaces.compose(namespace, EventsourceOptions.defaults());
        try {
            Listener ads = runtime.eventsource().listener(ServiceName.of("ads"));
            ads.listen("Product", "projections").onAny(event -> { });
            ads.start();
            Namespaces.awaitLive(runtime, "Product", "ads");
            runtime.eventsource().publisher().publish(P1, EventName.of("Created"), Payload.text("a"));
            Namespaces.await("Product 1 acked", () -> runtime.ackStore()
                    .lastSequence(ServiceName.of("ads"), io.eventsource.domain.Projection.of("projections"), P1) == 1);
        } finally {
            Namespaces.close(runtime);
        }
        assertThat(tables(namespace)).hasSize(5);
        assertThat(exists(namespace, announcementQueue(namespace))).isTrue();
        assertThat(keys(namespace)).isNotEmpty();
        return namespace;
    }

    @Test
    void refusesWithoutTheNamespaceTypedAndRemovesNothing() {
        Namespace namespace = used("refuse");

        CliRun nothingTyped = CliRun.run(namespace.prefix(), "", "drop-namespace");
        CliRun wrongTyped = CliRun.run(namespace.prefix(), "other.\n", "drop-namespace");

        for (CliRun run : List.of(nothingTyped, wrongTyped)) {
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).isEqualTo("This removes the broker objects, Redis keys and tables of namespace "
                    + namespace.prefix() + ". Type the namespace to confirm: error: not confirmed: nothing was removed"
                    + " (type \"" + namespace.prefix() + "\", or pass --yes)\n");
        }
        assertThat(tables(namespace)).hasSize(5);
        assertThat(exists(namespace, announcementQueue(namespace))).isTrue();
        assertThat(keys(namespace)).isNotEmpty();
        CliRun.run(namespace.prefix(), "", "drop-namespace", "--yes");
    }

    @Test
    void removesTheTablesQueuesExchangesAndKeysOnceTheNamespaceIsTyped() {
        Namespace namespace = used("typed");
        Topology topology = Topology.of(namespace);
        List<String> keys = keys(namespace);

        CliRun run = CliRun.run(namespace.prefix(), namespace.prefix() + "\n", "drop-namespace");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String tablePrefix = namespace.tablePrefix();
        assertThat(run.out()).startsWith("Removed from namespace " + namespace.prefix() + ":\n\nBROKER OBJECTS (")
                .contains("  " + announcementQueue(namespace) + "\n",
                        "  " + topology.announcementExchange(AggregateType.of("Product")).value() + "\n",
                        "\nREDIS KEYS (" + keys.size() + ")\n",
                        "\nTABLES (5)\n  " + tablePrefix + "ack\n  " + tablePrefix + "checkpoint\n  " + tablePrefix
                                + "event\n  " + tablePrefix + "flyway_history\n  " + tablePrefix + "replay\n")
                .endsWith("\nAggregate queues of aggregates without events in the last 1m 35s were not looked for: they"
                        + " expire by themselves.\n");
        for (String key : keys) {
            assertThat(run.out()).contains("  " + key + "\n");
        }
        assertRemoved(namespace);
    }

    @Test
    void removesWithYesAndPrintsJson() {
        Namespace namespace = used("json");
        Topology topology = Topology.of(namespace);
        String aggregateQueue = topology.aggregateQueue(P1, ServiceName.of("ads")).value();
        boolean aggregateQueueLeft = exists(namespace, aggregateQueue);

        CliRun run = CliRun.run(namespace.prefix(), "", "drop-namespace", "--yes", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("no prompt").isEmpty();
        assertThat(run.out()).startsWith("{\"namespace\":\"" + namespace.prefix() + "\",\"brokerObjects\":[")
                .contains("\"" + announcementQueue(namespace) + "\"")
                .contains("\"tables\":[\"" + namespace.tablePrefix() + "ack\",")
                .endsWith("]}\n");
        // the aggregate queue expires 30 s after its consumer went: if it was still there, it was removed
        assertThat(run.out().contains("\"" + aggregateQueue + "\"")).isEqualTo(aggregateQueueLeft);
        assertThat(exists(namespace, aggregateQueue)).isFalse();
        assertRemoved(namespace);
    }

    @Test
    void refusesTheEmptyNamespace() {
        CliRun run = CliRun.run("", "", "drop-namespace", "--yes");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: drop-namespace needs a namespace");
    }

    private static void assertRemoved(Namespace namespace) {
        assertThat(tables(namespace)).isEmpty();
        assertThat(exists(namespace, announcementQueue(namespace))).isFalse();
        assertThat(exists(namespace, Topology.of(namespace).announcementExchange(AggregateType.of("Product")).value()))
                .isFalse();
        assertThat(keys(namespace)).isEmpty();
    }

    @Test
    void removesAPartitionedTypesQueuesAndExchangeToo() {
        Namespace namespace = Namespaces.fresh("parts");
        AggregateType order = AggregateType.of("Order");
        RealServicesComposition runtime = Namespaces.compose(namespace, EventsourceOptions.defaults()
                .withTopology(order, io.eventsource.domain.AggregateTopology.partitioned(4)));
        try {
            Listener ads = runtime.eventsource().listener(ServiceName.of("ads"));
            ads.listen("Order", "projections").onAny(event -> { });
            ads.start();
            Namespaces.awaitLive(runtime, "Order", "ads");
        } finally {
            Namespaces.close(runtime);
        }
        Topology topology = Topology.of(namespace);
        List<String> partitions = new java.util.ArrayList<>();
        for (int partition = 0; partition < 4; partition++) {
            partitions.add(topology.partitionQueue(order, partition, ServiceName.of("ads")).value());
        }
        assertThat(partitions).allMatch(queue -> exists(namespace, queue));

        CliRun run = CliRun.run(namespace.prefix(), "", "drop-namespace", "--yes");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("  " + partitions.get(3) + "\n",
                "  " + topology.partitionExchange(order).value() + "\n");
        assertThat(partitions).noneMatch(queue -> exists(namespace, queue));
        assertThat(keys(namespace)).isEmpty();
    }

    private static String announcementQueue(Namespace namespace) {
        return Topology.of(namespace).announcementQueue(AggregateType.of("Product"), ServiceName.of("ads")).value();
    }

    /** The namespace's tables, read from the catalog with JDBC. */
    private static List<String> tables(Namespace namespace) {
        MySqlSettings settings = MySqlSettings.fromEnvironment().withNamespace(namespace);
        try (java.sql.Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(),
                settings.password());
             PreparedStatement query = connection.prepareStatement("SELECT table_name FROM information_schema.tables"
                     + " WHERE table_schema = DATABASE() AND table_name LIKE ? ORDER BY table_name")) {
            query.setString(1, settings.tablePrefix().replace("_", "\\_") + "%");
            List<String> names = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            assertThat(names).isEqualTo(MySqlNamespace.of(settings).tables());
            return names;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether the broker has a queue, or else an exchange, of that name, checked passively with amqp-client. */
    private static boolean exists(Namespace namespace, String name) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(RabbitMqSettings.fromEnvironment().withNamespace(namespace).uri());
            try (Connection connection = factory.newConnection()) {
                if (passive(connection, name, true)) {
                    return true;
                }
                return passive(connection, name, false);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean passive(Connection connection, String name, boolean queue) throws IOException {
        Channel channel = connection.createChannel();
        try {
            if (queue) {
                channel.queueDeclarePassive(name);
            } else {
                channel.exchangeDeclarePassive(name);
            }
            channel.abort();
            return true;
        } catch (IOException notFound) {
            return false;
        }
    }

    private static List<String> keys(Namespace namespace) {
        return RedisNamespace.of(RedisSettings.fromEnvironment().withNamespace(namespace)).keys();
    }
}
