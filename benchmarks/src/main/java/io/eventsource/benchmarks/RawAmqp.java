package io.eventsource.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker's ceiling, measured with amqp-client alone on one connection, under the run's namespace: what the library
 * does per event, without the library. It lists what it declared ({@link #queues()}, {@link #exchanges()}) for the
 * cleanup.
 */
final class RawAmqp implements AutoCloseable {
    /** Confirms are awaited once per this many messages, as the adapter's default confirm batch. */
    static final int CONFIRM_BATCH = 100;
    private static final int PREFETCH = 32;
    private static final long CONFIRM_TIMEOUT_MILLIS = 30_000;

    private final ConnectionFactory factory;
    private final Connection connection;
    private final String prefix;
    private final Object expires;
    private final String rejectedExchange;
    private final List<String> exchanges = new ArrayList<>();
    private final List<String> queues = new ArrayList<>();

    RawAmqp(URI uri, Namespace namespace, ExpiryPolicy expiry) throws Exception {
        this.factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        this.connection = factory.newConnection("eventsource benchmark raw " + namespace);
        this.prefix = namespace.prefix();
        this.expires = (int) expiry.queueExpiry().toMillis();
        this.rejectedExchange = namespace.apply("eventsourceRejected");
    }

    /** A message body of about the size of the library's messages (a small JSON payload plus its headers). */
    static byte[] body(long stamp) {
        byte[] body = new byte[256];
        Arrays.fill(body, (byte) ' ');
        ByteBuffer.wrap(body).putLong(stamp);
        return body;
    }

    /**
     * Hot: one thread publishes persistent, mandatory messages to a fanout exchange with {@code queues} durable queues,
     * awaiting confirms every {@value #CONFIRM_BATCH} messages.
     *
     * @return published messages per second (each delivered to every queue)
     */
    double fanout(int queueCount, int messages, Duration limit) throws Exception {
        try (Channel channel = connection.createChannel()) {
            String exchange = prefix + "RawHot";
            declareFanout(channel, exchange, queueCount, false);
            channel.confirmSelect();
            byte[] body = body(0);
            publish(channel, exchange, body, Math.min(2_000, messages), Long.MAX_VALUE); // warm-up
            for (int i = 0; i < queueCount; i++) {
                channel.queuePurge(exchange + "-" + i);
            }
            long started = System.nanoTime();
            int published = publish(channel, exchange, body, messages, started + limit.toNanos());
            double rate = published / seconds(System.nanoTime() - started);
            for (int i = 0; i < queueCount; i++) {
                channel.queuePurge(exchange + "-" + i);
            }
            return rate;
        }
    }

    private static int publish(Channel channel, String exchange, byte[] body, int messages, long deadline)
            throws Exception {
        int published = 0;
        while (published < messages && System.nanoTime() < deadline) {
            channel.basicPublish(exchange, "", true, MessageProperties.PERSISTENT_BASIC, body);
            if (++published % CONFIRM_BATCH == 0) {
                channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
            }
        }
        channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
        return published;
    }

    /**
     * Hot on the seed's per-aggregate topology, the broker's own ceiling for it: {@code routes} durable fanout
     * exchanges, each bound to {@code queueCount} aggregate queues (the adapter's arguments), every queue consumed on a
     * channel of its own (one connection per service, as each service has its own; manual acks, prefetch
     * {@value #PREFETCH}), and one thread publishing messages to the exchanges in turn, awaiting confirms every
     * {@value #CONFIRM_BATCH} messages, until every queue's consumer has had every message. Everything it declared is
     * deleted before it returns, so that the phases after it meet the broker as before.
     *
     * @param persistent whether the messages are persistent, as the library's events on aggregate queues are or not
     * @return messages per second, published and consumed from every queue
     */
    double perAggregateFanout(int queueCount, int routes, int messages, Duration limit, boolean persistent)
            throws Exception {
        List<Connection> services = new ArrayList<>();
        List<String> declaredQueues = new ArrayList<>();
        List<String> declaredExchanges = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            try {
                for (int route = 0; route < routes; route++) {
                    String exchange = prefix + "RawRoute-" + route;
                    declaredExchanges.add(exchange);
                    exchanges.add(exchange);
                    channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, true, false, null);
                    for (int i = 0; i < queueCount; i++) {
                        String queue = exchange + "-s" + i;
                        declaredQueues.add(queue);
                        queues.add(queue);
                        channel.queueDeclare(queue, true, false, false, aggregateQueueArguments("s" + i));
                        channel.queueBind(queue, exchange, "");
                    }
                }
                AtomicLong delivered = new AtomicLong();
                for (int i = 0; i < queueCount; i++) {
                    Connection service = factory.newConnection("eventsource benchmark raw service " + i);
                    services.add(service);
                    for (int route = 0; route < routes; route++) {
                        Channel consuming = service.createChannel();
                        if (consuming == null) {
                            throw new IOException("channel-max reached: bench.aggregates is too large for one"
                                    + " connection per service");
                        }
                        consuming.basicQos(PREFETCH);
                        consuming.basicConsume(prefix + "RawRoute-" + route + "-s" + i, false,
                                new DefaultConsumer(consuming) {
                                    @Override
                                    public void handleDelivery(String tag, Envelope envelope,
                                                               AMQP.BasicProperties properties, byte[] body)
                                            throws IOException {
                                        delivered.incrementAndGet();
                                        getChannel().basicAck(envelope.getDeliveryTag(), false);
                                    }
                                });
                    }
                }
                channel.confirmSelect();
                byte[] body = body(0);
                long started = System.nanoTime();
                long deadline = started + limit.toNanos();
                int published = 0;
                while (published < messages && System.nanoTime() < deadline) {
                    channel.basicPublish(prefix + "RawRoute-" + (published % routes), "", true,
                            persistent ? MessageProperties.PERSISTENT_BASIC : MessageProperties.BASIC, body);
                    if (++published % CONFIRM_BATCH == 0) {
                        channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
                    }
                }
                channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
                long expected = (long) published * queueCount;
                long settleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (delivered.get() < expected && System.nanoTime() < settleBy) {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                if (delivered.get() < expected) {
                    throw new IllegalStateException("the raw consumers had " + delivered.get() + " of " + expected
                            + " messages 30 s after the last confirm");
                }
                return published / seconds(System.nanoTime() - started);
            } finally {
                for (Connection service : services) {
                    service.close();
                }
                for (String queue : declaredQueues) {
                    channel.queueDelete(queue);
                }
                for (String exchange : declaredExchanges) {
                    channel.exchangeDelete(exchange);
                }
                queues.removeAll(new HashSet<>(declaredQueues));
                exchanges.removeAll(new HashSet<>(declaredExchanges));
            }
        }
    }

    /**
     * Cold: per aggregate, what the library's first publish to it needs: a durable auto-delete fanout exchange,
     * {@code queueCount} durable {@code x-expires} single-active-consumer queues and their bindings, and one persistent
     * publish; confirms awaited every {@value #CONFIRM_BATCH} aggregates. One thread, one channel.
     *
     * @return aggregates per second
     */
    double declareRoutes(int queueCount, int aggregates, Duration limit) throws Exception {
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            byte[] body = body(0);
            long started = System.nanoTime();
            long deadline = started + limit.toNanos();
            int declared = 0;
            while (declared < aggregates && System.nanoTime() < deadline) {
                String exchange = prefix + "RawCold-" + declared;
                exchanges.add(exchange);
                channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, true, false, null);
                for (int i = 0; i < queueCount; i++) {
                    String queue = exchange + "-s" + i;
                    queues.add(queue);
                    channel.queueDeclare(queue, true, false, false, aggregateQueueArguments("s" + i));
                    channel.queueBind(queue, exchange, "");
                }
                channel.basicPublish(exchange, "", true, MessageProperties.PERSISTENT_BASIC, body);
                if (++declared % CONFIRM_BATCH == 0) {
                    channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
                }
            }
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
            return declared / seconds(System.nanoTime() - started);
        }
    }

    /**
     * Latency: one thread publishes persistent messages at {@code rate} to a fanout exchange with {@code queueCount}
     * durable queues, each consumed on a channel of its own (manual acks, prefetch {@value #PREFETCH}); confirms are
     * collected as they come. A sample is the time from a message's due time to its delivery to a consumer, one per
     * queue, for messages due after {@code warmUp}.
     */
    Latencies latency(int queueCount, double rate, Duration duration, Duration warmUp) throws Exception {
        String exchange = prefix + "RawLatency";
        Latencies latencies = new Latencies();
        AtomicLong delivered = new AtomicLong();
        List<Channel> consumers = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            declareFanout(channel, exchange, queueCount, false);
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long measureFrom = start + warmUp.toNanos();
            for (int i = 0; i < queueCount; i++) {
                Channel consuming = connection.createChannel();
                consumers.add(consuming);
                consuming.basicQos(PREFETCH);
                consuming.basicConsume(exchange + "-" + i, false, new DefaultConsumer(consuming) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                                               byte[] body) throws IOException {
                        long due = ByteBuffer.wrap(body).getLong();
                        if (due >= measureFrom) {
                            latencies.add(System.nanoTime() - due);
                        }
                        delivered.incrementAndGet();
                        getChannel().basicAck(envelope.getDeliveryTag(), false);
                    }
                });
            }
            channel.confirmSelect();
            Pacer pacer = new Pacer(start, rate);
            long end = start + duration.toNanos();
            long sent = 0;
            for (long due = pacer.due(0); due < end; due = pacer.due(++sent)) {
                Pacer.waitUntil(due);
                channel.basicPublish(exchange, "", true, MessageProperties.PERSISTENT_BASIC, body(due));
            }
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
            long expected = sent * queueCount;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (delivered.get() < expected && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            return latencies;
        } finally {
            for (Channel consuming : consumers) {
                closeQuietly(consuming);
            }
        }
    }

    /**
     * The adapter's arguments of an aggregate queue: {@code x-expires}, single active consumer, and the binding it
     * belongs to carried as dead-letter exchange and routing key.
     */
    private Map<String, Object> aggregateQueueArguments(String service) {
        return Map.of("x-expires", expires, "x-single-active-consumer", true,
                "x-dead-letter-exchange", rejectedExchange, "x-dead-letter-routing-key", service);
    }

    private void declareFanout(Channel channel, String exchange, int queueCount, boolean autoDelete)
            throws IOException {
        exchanges.add(exchange);
        channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, autoDelete, false, null);
        for (int i = 0; i < queueCount; i++) {
            String queue = exchange + "-" + i;
            queues.add(queue);
            channel.queueDeclare(queue, true, false, false, null);
            channel.queueBind(queue, exchange, "");
        }
    }

    /** The names of everything declared so far, for the cleanup. */
    List<String> queues() {
        return List.copyOf(queues);
    }

    List<String> exchanges() {
        return List.copyOf(exchanges);
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (Exception e) {
            // closed by the broker already, or the connection is gone
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
