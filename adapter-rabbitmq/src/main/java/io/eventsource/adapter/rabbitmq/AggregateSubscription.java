package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ConsumerActivity;
import io.eventsource.domain.Event;
import io.eventsource.ports.Cancellable;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * One consumer of one aggregate queue ({@link QueueSubscription}), cancelled once idle: nothing received, nothing
 * unsettled, for the owner's idle timeout.
 */
final class AggregateSubscription extends QueueSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateSubscription.class);

    private final AggregateRef aggregate;
    private ConsumerActivity activity; // guarded by lock()
    private Cancellable idleCheck; // guarded by lock()

    /**
     * @param channel the subscription's own channel, with its prefetch set: handed back to the owner when the
     *                subscription ends idle, closed when it ends otherwise
     */
    AggregateSubscription(AggregateRef aggregate, String queue, ConsumerChannel channel, SerialExecutor serial,
                          DeliveryListener listener, Owner owner) {
        super(queue, channel, serial, listener, owner);
        this.aggregate = aggregate;
    }

    /** Starts consuming, with a consumer tag the broker makes up; called once, before it is handed out. */
    void start() throws IOException {
        start("");
    }

    @Override
    void check(Event event) throws MalformedMessageException {
        if (!event.aggregate().equals(aggregate)) {
            throw new MalformedMessageException("event of " + event.aggregate() + " on the queue of " + aggregate);
        }
    }

    @Override
    void onStarting(Instant now) {
        activity = ConsumerActivity.startedAt(now);
    }

    @Override
    void onStarted() {
        scheduleIdleCheck(activity.idleAt(owner().idleTimeout()));
    }

    @Override
    void onReceived(Instant now) {
        activity = activity.received(now);
    }

    @Override
    void onSettled(Instant now) {
        if (activity.inFlight() > 0) {
            activity = activity.settled(now);
        }
    }

    @Override
    void onEnding() {
        if (idleCheck != null) {
            idleCheck.cancel();
        }
    }

    private void scheduleIdleCheck(Instant at) {
        Duration delay = Duration.between(owner().scheduler().instant(), at);
        idleCheck = owner().scheduler().schedule(delay.isNegative() ? Duration.ZERO : delay, this::checkIdle);
    }

    private void checkIdle() {
        Instant now = owner().scheduler().instant();
        // decided under the lock: a message arriving from then on is not handed out, and returns to the queue
        boolean ended = endIf(EndReason.IDLE, true, () -> {
            if (activity.isIdle(now, owner().idleTimeout())) {
                return true;
            }
            // a consumer holding a message is checked again a full timeout later; settling moves its idle time
            scheduleIdleCheck(activity.inFlight() > 0 ? now.plus(owner().idleTimeout())
                    : activity.idleAt(owner().idleTimeout()));
            return false;
        });
        if (ended) {
            LOG.debug("Cancelled the idle consumer of {}", queue());
        }
    }

    @Override
    public String toString() {
        return "AggregateSubscription[" + queue() + (isOpen() ? "" : ", ended") + "]";
    }
}
