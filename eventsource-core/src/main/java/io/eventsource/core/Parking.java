package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;

import java.util.List;

/**
 * Whether a binding is parked on an aggregate ({@link FailurePolicy.Exhausted#PARK}): the last event of the
 * aggregate that the binding has an ack for has failed. Read from the log and the ack store, so that every
 * instance of the service and every restart sees the same parking.
 */
final class Parking {
    private final EventLog log;
    private final AckStore acks;

    Parking(EventLog log, AckStore acks) {
        this.log = log;
        this.acks = acks;
    }

    /**
     * Whether the binding is parked on the aggregate, given the last sequence it has an ack for.
     *
     * @throws io.eventsource.ports.PortException if the log or the ack store cannot be reached
     */
    boolean isParked(Binding binding, AggregateRef aggregate, long lastSequence) {
        if (lastSequence < 1) {
            return false;
        }
        List<Event> last = log.read(aggregate, lastSequence, lastSequence);
        if (last.isEmpty()) {
            return false;
        }
        AckKey key = AckKey.of(last.get(0).id(), binding);
        Ack ack = acks.find(List.of(key)).get(key);
        return ack != null && !ack.isOk();
    }

    /**
     * The sequence of the failed event that parks the binding on the aggregate (its later events wait), or 0 if
     * the binding is not parked on it.
     *
     * @throws io.eventsource.ports.PortException if the log or the ack store cannot be reached
     */
    long parkedAt(Binding binding, AggregateRef aggregate) {
        long last = acks.lastSequence(binding.service(), binding.projection(), aggregate);
        return isParked(binding, aggregate, last) ? last : 0;
    }
}
