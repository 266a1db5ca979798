package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * Drops messages whose body is over the client's inbound limit from a queue, without reading them.
 *
 * <p>amqp-client refuses such a body while reading its header, by closing the whole connection (measured with
 * 5.37.1: {@code IllegalStateException: Message body is too large}, a hard connection error). The message goes back
 * to its queue unsettled, automatic recovery consumes again, and the broker hands the same message over again: every
 * subscription of the connection would fail every few seconds, forever, because of one message that only a foreign or
 * forged publisher can send. No acknowledgement can settle a message the client never delivered, so this removes it
 * on a probe connection of its own (same limit, no recovery):
 * <ol>
 *   <li>find it: {@code basic.get} without auto-ack, holding each readable message, until the probe connection dies
 *       on the oversized one (its position is then known) or the queue's head window holds none;</li>
 *   <li>take it: on a new probe connection, hold the messages before it again and {@code basic.get} the next one
 *       with auto-ack. The broker forgets an auto-acked message as it sends it, so when the client refuses its
 *       header, the message is gone; closing the connection returns the held ones, in order.</li>
 * </ol>
 * If another consumer changed the queue in between, a readable message may come back auto-acked in its place: it is
 * published back to the queue (at its tail: the core orders events by sequence, and the log is the source of truth).
 * Not thread-safe: the bus runs one at a time.
 */
final class OversizedMessages implements AutoCloseable {
    private static final int MAX_ATTEMPTS = 5;
    private static final String CLIENT_ASSEMBLER = "com.rabbitmq.client.impl.CommandAssembler";
    private final ConnectionFactory factory;
    private final int window;
    private Connection connection;

    /**
     * @param factory the bus's factory settings, with the same inbound limit; recovery is turned off here
     * @param window  how many messages at the head of a queue to look through (a consumer's prefetch: the refused
     *                message was among the messages its consumer held, and those return to the head)
     */
    OversizedMessages(ConnectionFactory factory, int window) {
        this.factory = factory;
        this.window = window;
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
    }

    /** Whether the failure is amqp-client refusing a message body over its inbound limit. */
    static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException) {
                StackTraceElement[] stack = t.getStackTrace();
                if (stack.length > 0 && CLIENT_ASSEMBLER.equals(stack[0].getClassName())) {
                    return true;
                }
                String message = t.getMessage();
                if (message != null && message.contains("setMaxInboundMessageBodySize")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Drops the oversized messages within the queue's head window.
     *
     * @return how many it dropped
     * @throws IOException when the broker cannot be reached, or refuses otherwise (e.g. the queue is gone)
     */
    int dropFrom(String queue) throws IOException, TimeoutException {
        int dropped = 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            OptionalInt position = find(queue);
            if (position.isEmpty()) {
                return dropped;
            }
            if (take(queue, position.getAsInt())) {
                dropped++;
            }
        }
        return dropped;
    }

    /** How many readable messages come before the first oversized one in the head window; empty if none does. */
    private OptionalInt find(String queue) throws IOException, TimeoutException {
        Channel channel = channel();
        int held = 0;
        try {
            while (held < window) {
                if (channel.basicGet(queue, false) == null) {
                    return OptionalInt.empty();
                }
                held++;
            }
            return OptionalInt.empty();
        } catch (IOException | ShutdownSignalException e) {
            if (refusedOversized()) {
                return OptionalInt.of(held);
            }
            throw e;
        } finally {
            closeQuietly(channel); // returns the held messages to the queue, in order
        }
    }

    /** Whether it took the oversized message at {@code position} (false: the queue changed, look again). */
    private boolean take(String queue, int position) throws IOException, TimeoutException {
        Channel channel = channel();
        boolean taking = false;
        try {
            for (int i = 0; i < position; i++) {
                if (channel.basicGet(queue, false) == null) {
                    return false;
                }
            }
            taking = true;
            GetResponse readable = channel.basicGet(queue, true);
            if (readable != null) {
                putBack(queue, readable);
            }
            return false;
        } catch (IOException | ShutdownSignalException e) {
            if (refusedOversized()) {
                return taking;
            }
            throw e;
        } finally {
            closeQuietly(channel);
        }
    }

    private void putBack(String queue, GetResponse message) throws IOException, TimeoutException {
        Channel channel = connection.createChannel();
        try {
            channel.confirmSelect();
            channel.basicPublish("", queue, false, message.getProps(), message.getBody());
            channel.waitForConfirmsOrDie(factory.getChannelRpcTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while putting a message back on " + queue, e);
        } finally {
            closeQuietly(channel);
        }
    }

    /** Whether the probe connection died because the client refused a body; it is then reopened on next use. */
    private boolean refusedOversized() {
        ShutdownSignalException reason = connection.getCloseReason();
        if (reason == null || connection.isOpen()) {
            return false;
        }
        connection = null;
        return isCause(reason);
    }

    private Channel channel() throws IOException, TimeoutException {
        if (connection == null || !connection.isOpen()) {
            connection = factory.newConnection("eventsource oversized-message probe");
        }
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no free channel on the probe connection");
        }
        return channel;
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // the connection went with it
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close(1_000);
            } catch (IOException | ShutdownSignalException e) {
                // gone already
            }
            connection = null;
        }
    }
}
