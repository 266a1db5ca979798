package io.eventsource.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.eventsource.domain.Namespace;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Deletes what the run made: its exchanges and queues on the broker (the durable announcement ones would stay for
 * ever; the aggregate ones would expire, but thousands expiring at once load a broker that others use), its Redis keys
 * and its tables. Runs only with a namespace of the run's own, never with none.
 */
final class Cleanup {

    private Cleanup() {
    }

    /**
     * Deletes the queues, then the exchanges, without waiting for each answer (the broker handles a channel's
     * commands in order, so one synchronous call at the end waits for all of them).
     *
     * @return how many objects were deleted (or were already gone)
     */
    static int broker(URI uri, Namespace namespace, Collection<String> queues, Collection<String> exchanges)
            throws Exception {
        requireOwn(namespace, queues);
        requireOwn(namespace, exchanges);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        try (Connection connection = factory.newConnection("eventsource benchmark cleanup " + namespace);
             Channel channel = connection.createChannel()) {
            for (String queue : queues) {
                // deleting a queue that is gone (expired) is not an error for RabbitMQ
                channel.queueDeleteNoWait(queue, false, false);
            }
            for (String exchange : exchanges) {
                channel.exchangeDeleteNoWait(exchange, false);
            }
            channel.exchangeDeclarePassive("amq.fanout");
            return queues.size() + exchanges.size();
        }
    }

    /** Deletes every Redis key under the namespace. */
    static List<String> redis(URI uri, Namespace namespace) {
        requireOwn(namespace, List.of());
        List<String> deleted = new ArrayList<>();
        try (Jedis jedis = new Jedis(uri)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            // a '.' and '_' mean themselves in a Redis pattern; a namespace holds nothing else that could match more
            ScanParams match = new ScanParams().match(namespace.prefix() + "*").count(1000);
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                deleted.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            if (!deleted.isEmpty()) {
                jedis.del(deleted.toArray(String[]::new));
            }
        }
        return deleted;
    }

    private static void requireOwn(Namespace namespace, Collection<String> names) {
        if (namespace.prefix().isEmpty() || !namespace.prefix().startsWith("bench_")) {
            throw new IllegalArgumentException("refusing to clean up outside a benchmark's own namespace: " + namespace);
        }
        for (String name : names) {
            if (!name.startsWith(namespace.prefix())) {
                throw new IllegalArgumentException("refusing to delete " + name + ": not under " + namespace);
            }
        }
    }
}
