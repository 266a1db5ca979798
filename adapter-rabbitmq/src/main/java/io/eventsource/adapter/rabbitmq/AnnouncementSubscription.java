package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.ports.AnnouncementListener;
import io.eventsource.ports.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One consumer of a service's announcement queue, on a channel of its own. Unlike aggregate consumers it is in the
 * client's recovery records, so it survives a lost connection: amqp-client consumes again once it has reconnected.
 * Each announcement is acked once the listener returns or throws (announcements are hints; the log is the truth).
 */
final class AnnouncementSubscription implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementSubscription.class);
    private final AggregateType type;
    private final String queue;
    private final Channel channel;
    private final SerialExecutor serial;
    private final AnnouncementListener listener;
    private final BiConsumer<String, MalformedMessageException> malformed;
    private final java.util.function.Consumer<String> oversized;
    private final java.util.function.Consumer<AnnouncementSubscription> ended;
    private volatile boolean open = true;
    private volatile String consumerTag;

    AnnouncementSubscription(AggregateType type, String queue, Channel channel, SerialExecutor serial,
                             AnnouncementListener listener, BiConsumer<String, MalformedMessageException> malformed,
                             java.util.function.Consumer<String> oversized,
                             java.util.function.Consumer<AnnouncementSubscription> ended) {
        this.type = type;
        this.queue = queue;
        this.channel = channel;
        this.serial = serial;
        this.listener = listener;
        this.malformed = malformed;
        this.oversized = oversized;
        this.ended = ended;
    }

    void start(int prefetch) throws IOException {
        channel.basicQos(prefetch);
        consumerTag = channel.basicConsume(queue, false, new Callbacks());
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void cancel() {
        end();
    }

    void abandon() {
        end();
    }

    private void end() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        serial.execute(() -> {
            try {
                if (channel.isOpen() && consumerTag != null) {
                    channel.basicCancel(consumerTag);
                }
            } catch (IOException | ShutdownSignalException e) {
                LOG.debug("Cancelling the consumer of {} failed; closing its channel", queue, e);
            }
            try {
                channel.close();
            } catch (IOException | TimeoutException | ShutdownSignalException e) {
                LOG.debug("Closing the channel of {} failed; it is closed anyway", queue, e);
            }
            ended.accept(this);
        });
    }

    private void onDelivery(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        long tag = envelope.getDeliveryTag();
        AggregateRef aggregate;
        try {
            aggregate = EventEnvelope.decodeAnnouncement(type, properties, body);
        } catch (MalformedMessageException e) {
            malformed.accept(queue, e);
            serial.execute(() -> settle(tag, false));
            return;
        }
        serial.execute(() -> {
            if (!open) {
                return;
            }
            try {
                listener.onAnnouncement(aggregate);
            } catch (RuntimeException | Error e) {
                LOG.error("The announcement listener of {} failed on {}; the announcement is acked anyway", queue,
                        aggregate, e);
            }
            settle(tag, true);
        });
    }

    private void settle(long tag, boolean ack) {
        try {
            if (channel.isOpen()) {
                if (ack) {
                    channel.basicAck(tag, false);
                } else {
                    channel.basicReject(tag, false);
                }
            }
        } catch (IOException | ShutdownSignalException e) {
            LOG.debug("Could not settle announcement {} of {}", tag, queue, e);
        }
    }

    private final class Callbacks implements Consumer {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try {
                onDelivery(envelope, properties, body);
            } catch (RuntimeException | Error e) {
                LOG.error("Could not handle an announcement on {}", queue, e);
            }
        }

        @Override
        public void handleConsumeOk(String tag) {
            consumerTag = tag;
        }

        @Override
        public void handleCancel(String tag) {
            LOG.warn("The broker cancelled the consumer of announcement queue {} (deleted?); no more announcements "
                    + "arrive on it", queue);
            end();
        }

        @Override
        public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
            boolean recovering = signal.isHardError() && !signal.isInitiatedByApplication()
                    && channel instanceof Recoverable;
            if (open && OversizedMessages.isCause(signal)) {
                // maybe this queue's message: it would return with the recovery, so look for it now
                oversized.accept(queue);
            }
            if (recovering) {
                LOG.info("Lost the connection under announcement queue {}; consuming again after recovery", queue);
            } else if (open) {
                LOG.warn("The channel of announcement queue {} closed: {}", queue, Untrusted.text(signal.getMessage()));
                end();
            }
        }

        @Override
        public void handleCancelOk(String tag) {
        }

        @Override
        public void handleRecoverOk(String tag) {
        }
    }

    @Override
    public String toString() {
        return "AnnouncementSubscription[" + queue + (open ? "" : ", ended") + "]";
    }
}
