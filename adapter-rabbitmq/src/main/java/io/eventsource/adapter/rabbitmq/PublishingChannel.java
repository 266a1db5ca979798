package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.recovery.AutorecoveringChannel;
import io.eventsource.ports.PublishResult;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel in confirm mode with a return listener, borrowed by one thread at a time from the bus's pool. It publishes
 * with {@code mandatory}, so that a message that reaches no queue comes back (the broker sends the return before the
 * confirm), and waits for confirms once per batch, not once per message.
 */
final class PublishingChannel {
    private final Channel channel;
    private final AtomicInteger returned = new AtomicInteger();
    /** The routes whose messages came back since the last publish. */
    private final Set<Route> returnedFrom = ConcurrentHashMap.newKeySet();

    /** @param channel a new channel, which this one puts in confirm mode and owns */
    PublishingChannel(Channel channel) throws IOException {
        this.channel = channel;
        channel.confirmSelect();
        // called on the connection's thread, before the confirm of the returned message
        channel.addReturnListener(message -> {
            returned.incrementAndGet();
            returnedFrom.add(new Route(message.getExchange(), message.getRoutingKey()));
        });
    }

    /**
     * Where a message goes: an exchange, and the routing key that a direct exchange (a partitioned type's) routes by;
     * empty for a fanout exchange.
     */
    record Route(String exchange, String routingKey) {
        /** The route to a fanout exchange. */
        static Route fanout(String exchange) {
            return new Route(exchange, "");
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * The channel for declarations that amqp-client must not record for topology recovery (aggregate objects): the
     * recovering channel's current delegate, or the channel itself on a connection without recovery.
     */
    Channel unrecorded() {
        return channel instanceof AutorecoveringChannel ? ((AutorecoveringChannel) channel).getDelegate() : channel;
    }

    /** The channel for declarations that recovery must re-create (announcement objects). */
    Channel recorded() {
        return channel;
    }

    /**
     * Publishes in order and waits until the broker confirmed them all.
     *
     * @throws ShutdownSignalException when the broker closed the channel (e.g. 404: no such exchange)
     * @throws IOException when the broker nacked, or the connection failed
     * @throws TimeoutException when a batch was not confirmed within {@code timeoutMillis}
     */
    PublishResult publish(Route route, List<EventEnvelope.Message> messages, int batchSize, long timeoutMillis)
            throws IOException, InterruptedException, TimeoutException {
        returned.set(0);
        int unconfirmed = 0;
        for (EventEnvelope.Message message : messages) {
            channel.basicPublish(route.exchange(), route.routingKey(), true, message.properties(), message.body());
            if (++unconfirmed == batchSize) {
                channel.waitForConfirmsOrDie(timeoutMillis);
                unconfirmed = 0;
            }
        }
        if (unconfirmed > 0) {
            channel.waitForConfirmsOrDie(timeoutMillis);
        }
        return returned.get() > 0 ? new PublishResult.Unroutable(route.exchange()) : new PublishResult.Routed();
    }

    /**
     * Publishes each route's messages, in order, and waits until the broker confirmed them all (once per
     * {@code batchSize} messages, not once per route).
     *
     * @return the routes some of whose messages reached no queue
     * @throws ShutdownSignalException when the broker closed the channel (e.g. 404: one of the exchanges is missing;
     *         which messages went is then unknown)
     * @throws IOException when the broker nacked, or the connection failed
     * @throws TimeoutException when a batch was not confirmed within {@code timeoutMillis}
     */
    Set<Route> publishAll(Map<Route, List<EventEnvelope.Message>> byRoute, int batchSize, long timeoutMillis)
            throws IOException, InterruptedException, TimeoutException {
        returned.set(0);
        returnedFrom.clear();
        int unconfirmed = 0;
        for (Map.Entry<Route, List<EventEnvelope.Message>> entry : byRoute.entrySet()) {
            Route route = entry.getKey();
            for (EventEnvelope.Message message : entry.getValue()) {
                channel.basicPublish(route.exchange(), route.routingKey(), true, message.properties(), message.body());
                if (++unconfirmed == batchSize) {
                    channel.waitForConfirmsOrDie(timeoutMillis);
                    unconfirmed = 0;
                }
            }
        }
        if (unconfirmed > 0) {
            channel.waitForConfirmsOrDie(timeoutMillis);
        }
        return Set.copyOf(returnedFrom);
    }

    /** The routes whose messages came back during the last publish, also when it ended with the channel's close. */
    Set<Route> returnedSoFar() {
        return Set.copyOf(returnedFrom);
    }

    void close() {
        try {
            channel.close();
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // closed already, or the connection is gone: nothing left to release
        }
    }
}
