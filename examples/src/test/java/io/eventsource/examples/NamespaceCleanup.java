package io.eventsource.examples;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops what a namespace leaves behind that does not go by itself: the durable announcement exchanges and queues
 * and the partition queues on the broker, and the tables. (Aggregate queues and exchanges expire; the registry's Redis keys expire a
 * liveness TTL after the last heartbeat.) For test runs made in a namespace of their own. (Test code: the
 * client libraries stay out of the production classes outside their adapters.)
 */
final class NamespaceCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceCleanup.class);

    private NamespaceCleanup() {
    }

    /**
     * Drops the announcement objects of these bindings and the namespace's tables. Never throws; logs what failed.
     *
     * @throws IllegalArgumentException if the settings' adapters are not all in the same namespace, or in none
     *         (that would drop what other runs share)
     */
    static void drop(RealSettings settings, Collection<Binding> bindings) {
        Namespace namespace = settings.namespace();
        if (namespace.equals(Namespace.NONE) || !settings.redis().namespace().equals(namespace)
                || !settings.mySql().tablePrefix().equals(MySqlSettings.defaults().withNamespace(namespace).tablePrefix())) {
            throw new IllegalArgumentException("refusing to drop: the settings are not all under one namespace of their"
                    + " own: " + settings);
        }
        dropAnnouncements(settings, bindings);
        dropTables(settings);
    }

    static void dropAnnouncements(RealSettings settings, Collection<Binding> bindings) {
        if (bindings.isEmpty()) {
            return;
        }
        Topology topology = Topology.of(settings.namespace());
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.rabbitMq().uri());
            factory.setAutomaticRecoveryEnabled(false);
            try (Connection connection = factory.newConnection("eventsource cleanup " + settings.namespace());
                 Channel channel = connection.createChannel()) {
                Set<AggregateType> types = new LinkedHashSet<>();
                for (Binding binding : bindings) {
                    types.add(binding.type());
                    // deleting an absent queue or exchange is not an error for RabbitMQ
                    channel.queueDelete(topology.announcementQueue(binding.type(), binding.service()).value());
                }
                for (AggregateType type : types) {
                    channel.exchangeDelete(topology.announcementExchange(type).value());
                }
                // partition queues are durable and expire only after the topology's long expiry
                for (Binding binding : bindings) {
                    if (settings.options().topologyOf(binding.type())
                            instanceof AggregateTopology.Partitioned partitioned) {
                        for (int partition = 0; partition < partitioned.partitions(); partition++) {
                            channel.queueDelete(topology.partitionQueue(binding.type(), partition, binding.service())
                                    .value());
                        }
                        channel.exchangeDelete(topology.partitionExchange(binding.type()).value());
                    }
                }
            }
        } catch (Exception e) {
            LOG.warn("Could not delete the announcement queues of {} on the broker: {}", settings.namespace(), e.toString());
        }
    }

    static void dropTables(RealSettings settings) {
        String prefix = settings.mySql().tablePrefix();
        try (java.sql.Connection connection = DriverManager.getConnection(settings.mySql().jdbcUrl(),
                settings.mySql().user(), settings.mySql().password())) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = DATABASE() AND LEFT(table_name, ?) = ?")) {
                query.setInt(1, prefix.length());
                query.setString(2, prefix);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        tables.add(rows.getString(1));
                    }
                }
            }
            try (Statement statement = connection.createStatement()) {
                for (String table : tables) {
                    // names read from the catalog under a prefix validated by MySqlSettings
                    statement.execute("DROP TABLE IF EXISTS `" + table + "`");
                }
            }
        } catch (SQLException e) {
            LOG.warn("Could not drop the tables {}* : {}", prefix, e.toString());
        }
    }
}
