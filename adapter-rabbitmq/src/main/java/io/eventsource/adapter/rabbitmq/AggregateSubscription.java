package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ConsumerActivity;
import io.eventsource.domain.Event;
import io.eventsource.ports.Cancellable;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consumer of one aggregate queue, on a channel of its own. amqp-client calls the consumer on its dispatch
 * threads; they only decode and hand over to the subscription's {@link SerialExecutor}, which calls the listener one
 * delivery at a time. Every operation on the channel (consume, ack, reject, close) holds the subscription's channel
 * lock, so the channel is never used by two threads at once, and an ack from any thread has been written to the
 * broker when {@link Delivery#ack()} returns (an ack queued for later could be lost with a crash right after it).
 * The consumer is not in the client's recovery records, so a lost connection ends the subscription
 * ({@link EndReason#CONNECTION_LOST}); the core subscribes again on the next announcement.
 */
final class AggregateSubscription implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateSubscription.class);

    /** What the subscription needs from its bus. */
    interface Owner {
        Scheduler scheduler();

        Duration idleTimeout();

        void malformed(String queue, MalformedMessageException reason);

        /** The connection closed on a message over the inbound limit, maybe one of {@code queue}'s. */
        void oversized(String queue);

        void ended(AggregateSubscription subscription);
    }

    private final AggregateRef aggregate;
    private final String queue;
    private final Channel channel;
    private final Channel consuming;
    private final SerialExecutor serial;
    private final DeliveryListener listener;
    private final Owner owner;
    private final Object lock = new Object();
    private final Object channelLock = new Object();
    private ConsumerActivity activity;
    private EndReason endReason;
    private Cancellable idleCheck;

    /**
     * @param channel   the subscription's own channel, closed when it ends
     * @param consuming where to consume and settle: the channel itself, or its unrecorded delegate
     */
    AggregateSubscription(AggregateRef aggregate, String queue, Channel channel, Channel consuming,
                          SerialExecutor serial, DeliveryListener listener, Owner owner) {
        this.aggregate = aggregate;
        this.queue = queue;
        this.channel = channel;
        this.consuming = consuming;
        this.serial = serial;
        this.listener = listener;
        this.owner = owner;
    }

    /** Starts consuming; called once, before the subscription is handed out. */
    void start(int prefetch) throws IOException {
        synchronized (lock) {
            activity = ConsumerActivity.startedAt(owner.scheduler().instant());
        }
        synchronized (channelLock) {
            consuming.basicQos(prefetch);
            consuming.basicConsume(queue, false, new Callbacks());
        }
        synchronized (lock) {
            if (endReason == null) {
                scheduleIdleCheck(activity.idleAt(owner.idleTimeout()));
            }
        }
    }

    String queue() {
        return queue;
    }

    @Override
    public boolean isOpen() {
        synchronized (lock) {
            return endReason == null;
        }
    }

    @Override
    public void cancel() {
        end(EndReason.CANCELLED, true);
    }

    /** Ends without calling the listener (the bus is closing). */
    void abandon() {
        end(EndReason.CANCELLED, false);
    }

    private void scheduleIdleCheck(Instant at) {
        Duration delay = Duration.between(owner.scheduler().instant(), at);
        idleCheck = owner.scheduler().schedule(delay.isNegative() ? Duration.ZERO : delay, this::checkIdle);
    }

    private void checkIdle() {
        Instant now = owner.scheduler().instant();
        synchronized (lock) {
            if (endReason != null) {
                return;
            }
            if (!activity.isIdle(now, owner.idleTimeout())) {
                // a consumer holding a message is checked again a full timeout later; settling moves its idle time
                scheduleIdleCheck(activity.inFlight() > 0 ? now.plus(owner.idleTimeout())
                        : activity.idleAt(owner.idleTimeout()));
                return;
            }
            // decided under the lock: a message arriving from now on is not handed out, and returns to the queue
            endReason = EndReason.IDLE;
        }
        LOG.debug("Cancelling the idle consumer of {}", queue);
        finish(EndReason.IDLE, true);
    }

    private void end(EndReason reason, boolean notify) {
        synchronized (lock) {
            if (endReason != null) {
                return;
            }
            endReason = reason;
            if (idleCheck != null) {
                idleCheck.cancel();
            }
        }
        finish(reason, notify);
    }

    private void finish(EndReason reason, boolean notify) {
        // after the listener calls queued so far (they see the end and skip): closing the channel returns its
        // unsettled messages to the queue, in order, and hands a single-active-consumer queue over
        serial.execute(() -> {
            closeChannel();
            owner.ended(this);
            if (notify) {
                try {
                    listener.onEnded(reason);
                } catch (RuntimeException | Error e) {
                    LOG.error("The listener of {} failed when told that its subscription ended ({})", queue, reason, e);
                }
            }
        });
    }

    private void closeChannel() {
        try {
            synchronized (channelLock) {
                // also when already closed: close() is what takes a channel off the connection's recovery list
                channel.close();
            }
        } catch (IOException | java.util.concurrent.TimeoutException | ShutdownSignalException e) {
            LOG.debug("Closing the channel of {} failed; it is closed anyway", queue, e);
        }
    }

    private boolean received() {
        Instant now = owner.scheduler().instant();
        synchronized (lock) {
            if (endReason != null) {
                return false;
            }
            activity = activity.received(now);
            return true;
        }
    }

    private void settled() {
        Instant now = owner.scheduler().instant();
        synchronized (lock) {
            if (endReason == null && activity.inFlight() > 0) {
                activity = activity.settled(now);
            }
        }
    }

    private enum Settlement { ACK, REQUEUE, REJECT }

    private void settle(long tag, Settlement settlement) {
        settled();
        synchronized (channelLock) {
            if (!consuming.isOpen()) {
                return; // the message went back to the queue with the channel
            }
            try {
                switch (settlement) {
                    case ACK -> consuming.basicAck(tag, false);
                    case REQUEUE -> consuming.basicReject(tag, true);
                    case REJECT -> consuming.basicReject(tag, false);
                }
            } catch (IOException | ShutdownSignalException e) {
                LOG.debug("Could not settle message {} of {}; it returns to the queue with its channel", tag, queue, e);
            }
        }
    }

    private void onDelivery(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        if (!received()) {
            return; // ending: the channel's close returns it to the queue
        }
        long tag = envelope.getDeliveryTag();
        Event event;
        try {
            event = EventEnvelope.decode(properties, body);
            if (!event.aggregate().equals(aggregate)) {
                throw new MalformedMessageException("event of " + event.aggregate() + " on the queue of " + aggregate);
            }
        } catch (MalformedMessageException e) {
            owner.malformed(queue, e);
            settled();
            reject(tag);
            return;
        }
        RabbitDelivery delivery = new RabbitDelivery(event, envelope.isRedeliver(), tag);
        serial.execute(() -> {
            if (!isOpen()) {
                return;
            }
            try {
                listener.onDelivery(delivery);
            } catch (RuntimeException | Error e) {
                LOG.error("The listener of {} failed on {}; the message is requeued", queue, event, e);
                delivery.requeue();
            }
        });
    }

    private void reject(long tag) {
        synchronized (channelLock) {
            try {
                if (consuming.isOpen()) {
                    consuming.basicReject(tag, false);
                }
            } catch (IOException | ShutdownSignalException e) {
                LOG.debug("Could not reject malformed message {} of {}", tag, queue, e);
            }
        }
    }

    private final class RabbitDelivery implements Delivery {
        private final Event event;
        private final boolean redelivered;
        private final long tag;
        private final AtomicBoolean settled = new AtomicBoolean();

        RabbitDelivery(Event event, boolean redelivered, long tag) {
            this.event = event;
            this.redelivered = redelivered;
            this.tag = tag;
        }

        @Override
        public Event event() {
            return event;
        }

        @Override
        public boolean redelivered() {
            return redelivered;
        }

        @Override
        public void ack() {
            if (settled.compareAndSet(false, true)) {
                settle(tag, Settlement.ACK);
            }
        }

        @Override
        public void requeue() {
            if (settled.compareAndSet(false, true)) {
                settle(tag, Settlement.REQUEUE);
            }
        }

        @Override
        public void reject() {
            if (settled.compareAndSet(false, true)) {
                settle(tag, Settlement.REJECT);
            }
        }

        @Override
        public String toString() {
            return "Delivery[" + event + (redelivered ? ", redelivered" : "") + "]";
        }
    }

    /** amqp-client's view of the subscription. Nothing thrown here may reach the client: it would close the channel. */
    private final class Callbacks implements Consumer {
        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try {
                onDelivery(envelope, properties, body);
            } catch (RuntimeException | Error e) {
                LOG.error("Could not handle a message of {}", queue, e);
            }
        }

        @Override
        public void handleCancel(String consumerTag) {
            LOG.debug("The broker cancelled the consumer of {}: its queue was deleted", queue);
            end(EndReason.QUEUE_DELETED, true);
        }

        @Override
        public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
            if (isOpen() && OversizedMessages.isCause(signal)) {
                owner.oversized(queue);
            }
            if (isOpen()) {
                LOG.debug("The channel of {} closed: {}", queue, signal.getMessage());
                end(EndReason.CONNECTION_LOST, true);
            }
        }

        @Override
        public void handleConsumeOk(String consumerTag) {
        }

        @Override
        public void handleCancelOk(String consumerTag) {
        }

        @Override
        public void handleRecoverOk(String consumerTag) {
        }
    }

    @Override
    public String toString() {
        return "AggregateSubscription[" + queue + (isOpen() ? "" : ", ended") + "]";
    }
}
