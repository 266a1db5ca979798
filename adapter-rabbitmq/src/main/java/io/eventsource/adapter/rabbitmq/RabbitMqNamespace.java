package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.eventsource.domain.ExchangeName;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.QueueName;
import io.eventsource.ports.PortException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Removes a namespace's objects from the broker, for an operator's tool (the admin CLI). AMQP cannot list a broker's
 * queues or exchanges, so the caller names them (from {@link io.eventsource.domain.Topology}: the announcement
 * exchange and queues of each binding, the aggregate exchanges and queues of recent aggregates); only names under the
 * settings' namespace are accepted. Each name is checked passively first, so that the result tells what existed.
 * One connection per call, without recovery. Failures cross as {@link PortException}s whose messages hold no password.
 */
public final class RabbitMqNamespace {
    private final RabbitMqSettings settings;

    private RabbitMqNamespace(RabbitMqSettings settings) {
        this.settings = settings;
    }

    /** The namespace of these settings. */
    public static RabbitMqNamespace of(RabbitMqSettings settings) {
        return new RabbitMqNamespace(Objects.requireNonNull(settings, "settings"));
    }

    /**
     * Deletes the queues that exist among {@code queues} (with their messages), then the exchanges that exist among
     * {@code exchanges}.
     *
     * @return the names deleted, queues first
     * @throws InvalidValueException if a name is not under the settings' namespace (nothing is deleted then)
     * @throws PortException if the broker cannot be reached or refuses; what was deleted before stays deleted
     */
    public List<String> delete(Collection<QueueName> queues, Collection<ExchangeName> exchanges) {
        List<String> queueNames = queues.stream().map(QueueName::value).distinct().toList();
        List<String> exchangeNames = exchanges.stream().map(ExchangeName::value).distinct().toList();
        requireInNamespace(queueNames);
        requireInNamespace(exchangeNames);
        ConnectionFactory factory = RabbitMqConnections.factory(settings);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        List<String> deleted = new ArrayList<>();
        try (Connection connection = RabbitMqConnections.open(factory, settings)) {
            Deleter deleter = new Deleter(connection);
            try {
                for (String queue : queueNames) {
                    if (deleter.exists(queue, true)) {
                        deleter.channel().queueDelete(queue);
                        deleted.add(queue);
                    }
                }
                for (String exchange : exchangeNames) {
                    if (deleter.exists(exchange, false)) {
                        deleter.channel().exchangeDelete(exchange);
                        deleted.add(exchange);
                    }
                }
            } finally {
                deleter.close();
            }
        } catch (IOException e) {
            throw BrokerFailures.translate("Deleting the objects of " + settings.namespace() + " on RabbitMQ at "
                    + settings.redactedUri(), e);
        }
        return deleted;
    }

    private void requireInNamespace(List<String> names) {
        String prefix = settings.namespace().prefix();
        for (String name : names) {
            if (prefix.isEmpty() || !name.startsWith(prefix)) {
                throw new InvalidValueException("RabbitMqNamespace deletes only names under its namespace \""
                        + prefix + "\" (none without one); got \"" + name + "\"");
            }
        }
    }

    /** A channel that a passive check of an absent name closes: opened again as needed. */
    private static final class Deleter {
        private final Connection connection;
        private Channel channel;

        Deleter(Connection connection) {
            this.connection = connection;
        }

        Channel channel() throws IOException {
            if (channel == null || !channel.isOpen()) {
                channel = connection.createChannel();
            }
            return channel;
        }

        boolean exists(String name, boolean queue) throws IOException {
            try {
                if (queue) {
                    channel().queueDeclarePassive(name);
                } else {
                    channel().exchangeDeclarePassive(name);
                }
                return true;
            } catch (IOException e) {
                if (BrokerFailures.isNotFound(e)) {
                    return false;
                }
                throw e;
            }
        }

        void close() {
            if (channel != null && channel.isOpen()) {
                try {
                    channel.close();
                } catch (IOException | TimeoutException | RuntimeException ignored) {
                    // the connection's close ends it anyway
                }
            }
        }
    }
}
