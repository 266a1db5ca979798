package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Whether a binding is parked on an aggregate ({@link FailurePolicy.Exhausted#PARK}): the last event of the
 * aggregate that the binding has an ack for has failed. Read from the log and the ack store, so that every
 * instance of the service and every restart sees the same parking.
 */
final class Parking {
    /** Positions this close together are read from the log at once. */
    static final int CLOSE_TOGETHER = 64;

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
        return parksOn(acks.find(List.of(key)).get(key));
    }

    /** Whether a binding whose ack at its position is {@code lastAck} (null: none) is parked: that ack failed. */
    static boolean parksOn(Ack lastAck) {
        return lastAck != null && !lastAck.isOk();
    }

    /**
     * For bindings at the given positions on the aggregate, the keys of their acks there: the acks whose status parks
     * them ({@link #parksOn}), for the caller to read with the rest of its acks. The events at the positions come from
     * one log read when they lie within {@value #CLOSE_TOGETHER} sequences (bindings of one service mostly stand at the
     * same position), else one read per position. A binding at 0, or at a position the log does not hold, is not
     * parked and has no key.
     *
     * @throws io.eventsource.ports.PortException if the log cannot be reached
     */
    Map<Binding, AckKey> lastAckKeys(AggregateRef aggregate, Map<Binding, Long> positions) {
        TreeSet<Long> wanted = new TreeSet<>(positions.values());
        wanted.remove(0L);
        Map<Long, Event> at = new HashMap<>();
        if (!wanted.isEmpty() && wanted.last() - wanted.first() < CLOSE_TOGETHER) {
            for (Event event : log.read(aggregate, wanted.first(), wanted.last())) {
                at.put(event.sequence(), event);
            }
        } else {
            for (long sequence : wanted) {
                log.read(aggregate, sequence, sequence).forEach(event -> at.put(event.sequence(), event));
            }
        }
        Map<Binding, AckKey> keys = new LinkedHashMap<>();
        positions.forEach((binding, position) -> {
            Event event = at.get(position);
            if (event != null) {
                keys.put(binding, AckKey.of(event.id(), binding));
            }
        });
        return keys;
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
