package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.impl.recovery.AutorecoveringChannel;

/**
 * The channel of one queue subscription at a time, with its prefetch set.
 *
 * @param channel   the channel as the connection gave it out: what is closed, and what the connection's recovery knows
 * @param consuming where to consume and settle: the channel itself, or its unrecorded delegate, so that the client's
 *                  recovery never consumes again on its own
 * @param prefetch  the prefetch set on {@code consuming}
 */
record ConsumerChannel(Channel channel, Channel consuming, int prefetch) {

    /** The channel's consuming side: the delegate of a recovering channel, so that the consumer is not recorded. */
    static Channel consumingSideOf(Channel channel) {
        return channel instanceof AutorecoveringChannel recovering ? recovering.getDelegate() : channel;
    }

    /**
     * Whether another subscription may consume here as it is: open, and not recovered since (a recovered channel has
     * a new delegate, which the prefetch was never set on).
     */
    boolean isReusable() {
        return consuming.isOpen() && consumingSideOf(channel) == consuming;
    }
}
