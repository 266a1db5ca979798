package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventsource.domain.Event;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One consumer of one queue of events (an aggregate's or a partition's), on a channel of its own. amqp-client calls
 * the consumer on its dispatch threads; they only decode and hand over to the subscription's {@link SerialExecutor},
 * which calls the listener one delivery at a time (a listener that {@link DeliveryListener#returnsAtOnce() returns at
 * once} is called on the dispatch thread itself when the executor has nothing else to do). Every operation on the channel (consume, ack, reject, cancel, close)
 * holds the subscription's channel lock, so the channel is never used by two threads at once, and an ack from any
 * thread has been written to the broker when {@link Delivery#ack()} returns (an ack queued for later could be lost with
 * a crash right after it). Each delivery is settled on its own, in any order. The consumer is not in the client's
 * recovery records, so a lost connection ends the subscription ({@link EndReason#CONNECTION_LOST}); the core subscribes
 * again.
 *
 * <p>A subscription that ends idle hands its channel back to its owner for the next one, when nothing of it is left
 * there: its consumer cancelled and every message it received settled (those that arrived after the end go back to
 * the queue). Opening and closing a channel costs the broker about four times what a consume and a cancel do, and an
 * aggregate consumer that goes idle and starts again is the common case of an aggregate with an event every few
 * seconds. Any other end closes the channel, which returns whatever is unsettled to the queue.
 *
 * <p>The kinds differ in what they accept ({@link #check}) and in what they track of their traffic
 * ({@link #onReceived}, {@link #onSettled}: an aggregate subscription ends when idle).
 */
abstract class QueueSubscription implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(QueueSubscription.class);

    /** What a subscription needs from its bus. */
    interface Owner {
        Scheduler scheduler();

        Duration idleTimeout();

        void malformed(String queue, MalformedMessageException reason);

        /** The connection closed on a message over the inbound limit, maybe one of {@code queue}'s. */
        void oversized(String queue);

        void ended(QueueSubscription subscription);

        /**
         * Takes back the channel of a subscription that ended idle, with no consumer and nothing unsettled left on it,
         * for a later subscription; closes it if the owner keeps enough such channels already.
         */
        void reuse(ConsumerChannel channel);
    }

    /** How long an idle end waits for the client to confirm the cancel before it closes the channel instead. */
    private static final long CANCEL_OK_TIMEOUT_MILLIS = 2_000;

    private final String queue;
    private final ConsumerChannel consumerChannel;
    private final Channel channel;
    private final Channel consuming;
    private final SerialExecutor serial;
    private final DeliveryListener listener;
    private final Owner owner;
    private final Object lock = new Object();
    private final Object channelLock = new Object();
    private EndReason endReason;
    /** The broker's tag of the consumer, once consuming. */
    private volatile String consumerTag;
    /** Completes once the client has handed over every delivery the consumer got before its cancel. */
    private final CompletableFuture<Void> cancelConfirmed = new CompletableFuture<>();
    /** Messages received and not yet settled on the channel, also those that arrived after the end. */
    private final AtomicInteger unsettled = new AtomicInteger();
    /** The delivery tags of the messages that arrived after the end, never handed out. */
    private final List<Long> arrivedAfterEnd = new ArrayList<>(); // guarded by lock
    /** Whether handing the channel back returned messages that arrived after the end; only the ending task uses it. */
    private boolean returnedOnHandBack;

    /**
     * @param channel the subscription's own channel, with its prefetch set: handed back to the owner or closed when the
     *                subscription ends
     */
    QueueSubscription(String queue, ConsumerChannel channel, SerialExecutor serial, DeliveryListener listener,
                      Owner owner) {
        this.queue = queue;
        this.consumerChannel = channel;
        this.channel = channel.channel();
        this.consuming = channel.consuming();
        this.serial = serial;
        this.listener = listener;
        this.owner = owner;
    }

    /**
     * Starts consuming, with the channel's prefetch; called once, before the subscription is handed out.
     *
     * @param tag the tag the broker shows for the consumer; empty for one the broker makes up
     */
    final void start(String tag) throws IOException {
        synchronized (lock) {
            onStarting(owner.scheduler().instant());
        }
        synchronized (channelLock) {
            consumerTag = consuming.basicConsume(queue, false, tag, new Callbacks());
        }
        synchronized (lock) {
            if (endReason == null) {
                onStarted();
            }
        }
    }

    /** Refuses an event that does not belong on this queue. */
    abstract void check(Event event) throws MalformedMessageException;

    /** Called under the lock before consuming starts. */
    void onStarting(Instant now) {
    }

    /** Called under the lock once consuming started, unless the subscription already ended. */
    void onStarted() {
    }

    /** Called under the lock for each message received while open. */
    void onReceived(Instant now) {
    }

    /** Called under the lock for each message settled while open. */
    void onSettled(Instant now) {
    }

    /** Called under the lock when the subscription ends, whatever the reason. */
    void onEnding() {
    }

    final Owner owner() {
        return owner;
    }

    /** The lock that {@link #onReceived} and the other hooks hold. */
    final Object lock() {
        return lock;
    }

    final String queue() {
        return queue;
    }

    @Override
    public final boolean isOpen() {
        synchronized (lock) {
            return endReason == null;
        }
    }

    @Override
    public final void cancel() {
        end(EndReason.CANCELLED, true);
    }

    /** Ends without calling the listener (the bus is closing). */
    final void abandon() {
        end(EndReason.CANCELLED, false);
    }

    final void end(EndReason reason, boolean notify) {
        endIf(reason, notify, () -> true);
    }

    /**
     * Ends if {@code decision}, asked under the lock, says so: a message arriving from then on is not handed out,
     * and returns to the queue.
     *
     * @return whether it ended now
     */
    final boolean endIf(EndReason reason, boolean notify, BooleanSupplier decision) {
        synchronized (lock) {
            if (endReason != null || !decision.getAsBoolean()) {
                return false;
            }
            endReason = reason;
            onEnding();
        }
        finish(reason, notify);
        return true;
    }

    private void finish(EndReason reason, boolean notify) {
        // after the listener calls queued so far (they see the end and skip): closing the channel returns its
        // unsettled messages to the queue, in order, and hands a single-active-consumer queue over
        serial.execute(() -> {
            EndReason told = release(reason);
            owner.ended(this);
            if (notify) {
                try {
                    listener.onEnded(told);
                } catch (RuntimeException | Error e) {
                    LOG.error("The listener of {} failed when told that its subscription ended ({})", queue, told, e);
                }
            }
        });
    }

    /**
     * Lets go of the channel: an idle subscription hands it back to the owner if nothing is left on it, any other
     * closes it. Returns what to tell the listener: {@link EndReason#IDLE_WITH_RETURNED_MESSAGES} for an idle end that
     * returned messages to the queue, else {@code reason}.
     */
    private EndReason release(EndReason reason) {
        if (reason != EndReason.IDLE) {
            closeChannel();
            return reason;
        }
        boolean handedBack = handBackChannel();
        // handing back returns what arrived after the end; closing instead returns whatever is unsettled
        boolean returned = returnedOnHandBack || (!handedBack && unsettled.get() > 0);
        if (!handedBack) {
            closeChannel();
        }
        // nobody of this subscriber takes them from the queue unless it subscribes again
        return returned ? EndReason.IDLE_WITH_RETURNED_MESSAGES : reason;
    }

    /**
     * Cancels the consumer and hands the channel back to the owner, once every message it received is settled: those
     * that arrived after the end are returned to the queue, in order.
     *
     * @return false if something is left on the channel, or it failed: close it instead, which settles what is left
     */
    private boolean handBackChannel() {
        try {
            synchronized (channelLock) {
                if (!consuming.isOpen() || consumerTag == null) {
                    return false;
                }
                consuming.basicCancel(consumerTag);
            }
            // the client calls handleCancelOk after every delivery that came before it: none can follow
            cancelConfirmed.get(CANCEL_OK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            List<Long> returned;
            synchronized (lock) {
                returned = List.copyOf(arrivedAfterEnd);
            }
            returnedOnHandBack = !returned.isEmpty();
            synchronized (channelLock) {
                for (long tag : returned) {
                    consuming.basicReject(tag, true);
                    unsettled.decrementAndGet();
                }
            }
            if (unsettled.get() != 0) {
                return false;
            }
        } catch (IOException | ShutdownSignalException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.ExecutionException e) {
            LOG.debug("Could not cancel the consumer of {} on its channel; closing the channel", queue, e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        owner.reuse(consumerChannel);
        return true;
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

    /** Counts a delivery in; false if the subscription ended, and then it is kept to be returned to the queue. */
    private boolean received(long tag) {
        Instant now = owner.scheduler().instant();
        synchronized (lock) {
            if (endReason != null) {
                arrivedAfterEnd.add(tag);
                return false;
            }
            onReceived(now);
            return true;
        }
    }

    private void settled() {
        Instant now = owner.scheduler().instant();
        synchronized (lock) {
            if (endReason == null) {
                onSettled(now);
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
                unsettled.decrementAndGet();
            } catch (IOException | ShutdownSignalException e) {
                LOG.debug("Could not settle message {} of {}; it returns to the queue with its channel", tag, queue, e);
            }
        }
    }

    private void onDelivery(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        long tag = envelope.getDeliveryTag();
        unsettled.incrementAndGet();
        if (!received(tag)) {
            return; // ending: returned to the queue by the channel's close, or by a reject before it is handed back
        }
        Event event;
        try {
            event = EventEnvelope.decode(properties, body);
            check(event);
        } catch (MalformedMessageException e) {
            owner.malformed(queue, e);
            settled();
            reject(tag);
            return;
        }
        RabbitDelivery delivery = new RabbitDelivery(event, envelope.isRedeliver(), tag);
        Runnable handOut = () -> {
            if (!isOpen()) {
                return;
            }
            try {
                listener.onDelivery(delivery);
            } catch (RuntimeException | Error e) {
                LOG.error("The listener of {} failed on {}; the message is requeued", queue, event, e);
                delivery.requeue();
            }
        };
        if (listener.returnsAtOnce()) {
            // on the client's dispatch thread, unless the subscription's executor is busy: one hand-over fewer
            serial.runHereIfIdle(handOut);
        } else {
            serial.execute(handOut);
        }
    }

    private void reject(long tag) {
        synchronized (channelLock) {
            try {
                if (consuming.isOpen()) {
                    consuming.basicReject(tag, false);
                    unsettled.decrementAndGet();
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
            cancelConfirmed.complete(null);
            LOG.debug("The broker cancelled the consumer of {}: its queue was deleted", queue);
            end(EndReason.QUEUE_DELETED, true);
        }

        @Override
        public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
            cancelConfirmed.complete(null);
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
            cancelConfirmed.complete(null);
        }

        @Override
        public void handleRecoverOk(String consumerTag) {
        }
    }
}
