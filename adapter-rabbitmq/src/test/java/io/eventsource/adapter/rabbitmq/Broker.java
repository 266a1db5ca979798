package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.SocketConfigurators;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import io.eventsource.tck.services.RealService;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real broker, for one test: a fresh namespace, buses on their own connections, and an admin connection that
 * looks at queues and exchanges with passive declares on throwaway channels. Closing it closes the buses and deletes
 * what the test registered for deletion (the durable announcement objects); aggregate objects expire by themselves.
 */
final class Broker implements AutoCloseable {
    /** Short enough to watch real expiry in a test, as the expiry policy allows. */
    static final ExpiryPolicy SHORT = new ExpiryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofMillis(500), Duration.ofSeconds(2));
    private static URI uri;

    final Namespace namespace = Namespace.of("it_" + UUID.randomUUID().toString().substring(0, 8) + ".");
    final RabbitMqSettings settings;
    private final Connection admin;
    private final ThreadScheduler scheduler = new ThreadScheduler();
    private final List<RabbitMqMessageBus> buses = new ArrayList<>();
    private final Map<RabbitMqMessageBus, Connection> connections = new HashMap<>();
    private final Set<String> queuesToDelete = new LinkedHashSet<>();
    private final Set<String> exchangesToDelete = new LinkedHashSet<>();
    private final String probeExchange;

    Broker() throws IOException, TimeoutException {
        this.settings = RabbitMqSettings.local().withUri(uri()).withNamespace(namespace)
                .withRecoveryInterval(Duration.ofMillis(200));
        ConnectionFactory factory = RabbitMqConnections.factory(settings);
        factory.setAutomaticRecoveryEnabled(false);
        this.admin = factory.newConnection("eventsource test admin");
        this.probeExchange = namespace.apply("existence-probe");
        try (Channel channel = admin.createChannel()) {
            channel.exchangeDeclare(probeExchange, "fanout", false, false, null);
        }
        exchangesToDelete.add(probeExchange);
    }

    static synchronized URI uri() {
        if (uri == null) {
            uri = RealService.RABBITMQ.locate(RabbitMqContainers::start);
        }
        return uri;
    }

    ThreadScheduler scheduler() {
        return scheduler;
    }

    RabbitMqMessageBus bus(ExpiryPolicy expiry) {
        return bus(expiry, new CopyOnWriteArrayList<>());
    }

    /** A bus on a connection of its own; {@code sockets} collects its sockets, so that a test can cut them. */
    RabbitMqMessageBus bus(ExpiryPolicy expiry, List<Socket> sockets) {
        return bus(expiry, settings, sockets);
    }

    /** A bus with other settings (under this broker's namespace and URI, as {@link #settings} has them). */
    RabbitMqMessageBus bus(ExpiryPolicy expiry, RabbitMqSettings settings) {
        return bus(expiry, settings, new CopyOnWriteArrayList<>());
    }

    /** A bus on a connection that may open at most {@code channelMax} channels at once. */
    RabbitMqMessageBus busWithChannelMax(ExpiryPolicy expiry, int channelMax) {
        return bus(expiry, settings, new CopyOnWriteArrayList<>(), channelMax);
    }

    private RabbitMqMessageBus bus(ExpiryPolicy expiry, RabbitMqSettings settings, List<Socket> sockets) {
        return bus(expiry, settings, sockets, ConnectionFactory.DEFAULT_CHANNEL_MAX);
    }

    private RabbitMqMessageBus bus(ExpiryPolicy expiry, RabbitMqSettings settings, List<Socket> sockets,
                                   int channelMax) {
        ConnectionFactory factory = RabbitMqConnections.factory(settings);
        factory.setRequestedChannelMax(channelMax);
        factory.setSocketConfigurator(socket -> {
            SocketConfigurators.defaultConfigurator().configure(socket);
            sockets.add(socket);
        });
        Connection connection = RabbitMqConnections.open(factory, settings);
        RabbitMqMessageBus bus = new RabbitMqMessageBus(settings, expiry, scheduler, connection);
        buses.add(bus);
        connections.put(bus, connection);
        return bus;
    }

    /** The connection a bus runs on, to declare behind its back what a careless client would. */
    Connection connectionOf(RabbitMqMessageBus bus) {
        return connections.get(bus);
    }

    /**
     * Whether the queue exists, without touching its expiry: a passive declare counts as a redeclare and restarts
     * it, so this binds the queue to a probe exchange and unbinds it again (404 when the queue is gone). Unlike the
     * management HTTP API, this needs nothing but AMQP (the build machines' broker runs without the plugin).
     */
    boolean queueExists(String queue) {
        return passive(channel -> {
            channel.queueBind(queue, probeExchange, "probe");
            channel.queueUnbind(queue, probeExchange, "probe");
        });
    }

    boolean exchangeExists(String exchange) {
        return passive(channel -> channel.exchangeDeclarePassive(exchange));
    }

    long messageCount(String queue) throws IOException {
        try (Channel channel = admin.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    /**
     * The delivery mode (1 transient, 2 persistent) of every message in the queue, in order; the messages stay
     * (taken without ack, returned when the channel closes).
     */
    List<Integer> deliveryModes(String queue) throws IOException {
        List<Integer> modes = new ArrayList<>();
        try (Channel channel = admin.createChannel()) {
            for (GetResponse message = channel.basicGet(queue, false); message != null;
                 message = channel.basicGet(queue, false)) {
                modes.add(message.getProps().getDeliveryMode());
            }
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
        return modes;
    }

    void publishRaw(String exchange, AMQP.BasicProperties properties, byte[] body) throws IOException {
        publishRaw(exchange, "", properties, body);
    }

    void publishRaw(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body)
            throws IOException {
        try (Channel channel = admin.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish(exchange, routingKey, true, properties, body);
            channel.waitForConfirmsOrDie(5_000);
        } catch (TimeoutException | InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** Declares a queue as a client without our arguments would (an earlier version, another tool). */
    void declareQueue(String queue, Map<String, Object> arguments) throws IOException {
        try (Channel channel = admin.createChannel()) {
            channel.queueDeclare(queue, true, false, false, arguments);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    /**
     * The {@code x-expires} a partition queue holds, read from the broker's refusal to redeclare it with another one
     * (AMQP has no other way to read a queue's arguments, and the build machines' broker runs without the management
     * plugin); empty if the queue does not exist. The redeclare sends the queue's other arguments as the bus does,
     * so that the expiry is the one argument it can disagree on.
     */
    Optional<Duration> partitionQueueExpiry(String queue) throws IOException {
        if (!queueExists(queue)) {
            return Optional.empty();
        }
        Matcher service = Pattern.compile("-p\\d+-(.+)$").matcher(queue);
        if (!service.find()) {
            throw new IllegalArgumentException("not a partition queue: " + queue);
        }
        Map<String, Object> arguments = new HashMap<>(new QueueArguments(namespace, Broker.SHORT, 1)
                .partitionQueue(ServiceName.of(service.group(1)), Duration.ofMinutes(1)));
        arguments.put(QueueArguments.EXPIRES, 1);
        try (Channel channel = admin.createChannel()) {
            channel.queueDeclare(queue, true, false, false, arguments);
            return Optional.of(Duration.ofMillis(1));
        } catch (IOException | ShutdownSignalException e) {
            QueueArguments.Inequivalence why = QueueArguments.inequivalence(e)
                    .filter(inequivalence -> inequivalence.argument().equals(QueueArguments.EXPIRES))
                    .orElseThrow(() -> new AssertionError("the broker refused " + queue + " for another reason", e));
            return why.current().map(millis -> Duration.ofMillis(Long.parseLong(millis)));
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    void deleteQueue(String queue) throws IOException {
        try (Channel channel = admin.createChannel()) {
            channel.queueDelete(queue);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    /**
     * Deletes the queue and exchange when the test ends: durable announcement queues never expire, nor does an
     * auto-delete exchange that never had a queue.
     */
    void deleteAfterwards(String queue, String exchange) {
        queuesToDelete.add(queue);
        exchangesToDelete.add(exchange);
    }

    void deleteExchangeAfterwards(String exchange) {
        exchangesToDelete.add(exchange);
    }

    private interface Declare {
        void run(Channel channel) throws IOException;
    }

    /** Deletes on a throwaway channel, so that an error (already gone) does not stop the next deletion. */
    private void quietly(Declare delete) {
        try (Channel channel = admin.createChannel()) {
            delete.run(channel);
        } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
            // gone already
        }
    }

    private boolean passive(Declare declare) {
        try (Channel channel = admin.createChannel()) {
            declare.run(channel);
            return true;
        } catch (IOException e) {
            if (BrokerFailures.isNotFound(e)) {
                return false;
            }
            throw new AssertionError("passive declare failed", e);
        } catch (TimeoutException e) {
            throw new AssertionError("passive declare timed out", e);
        } catch (com.rabbitmq.client.AlreadyClosedException e) {
            return !BrokerFailures.isNotFound(e);
        }
    }

    @Override
    public void close() throws IOException, TimeoutException {
        buses.forEach(RabbitMqMessageBus::close);
        scheduler.close();
        try {
            for (String queue : queuesToDelete) {
                quietly(channel -> channel.queueDelete(queue));
            }
            for (String exchange : exchangesToDelete) {
                quietly(channel -> channel.exchangeDelete(exchange));
            }
        } finally {
            admin.close();
        }
    }
}
