package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the active consumer of an aggregate queue knows of the acks of its aggregate, so that it decides most
 * deliveries without a read: per binding, up to which sequence it handled the aggregate and whether its ack there
 * failed (which parks it under {@link FailurePolicy.Exhausted#PARK}); and the acks of messages it holds, read ahead in
 * one batch. Learned from the ack store when the consumer starts, then kept current from the consumer's own durable
 * acks: while it is the queue's single active consumer, nobody else records acks of the aggregate for these bindings.
 * Dropped with the consumer.
 *
 * <p>Used from the consumer's lane, one delivery at a time, and from the ack store's completions of that delivery;
 * synchronized for the hand-over between those threads.
 */
final class KnownAcks {
    /** Per binding, the highest sequence it has an ack for (ok or fail); absent while unknown. */
    private final Map<Binding, Long> handledUpTo = new HashMap<>();
    /** Per binding, whether its ack at {@link #handledUpTo} failed; absent while unknown. */
    private final Map<Binding, Boolean> lastFailed = new HashMap<>();
    /** Per event whose acks (of every binding) were read ahead, those acks: a binding absent has none. */
    private final Map<EventId, Map<Binding, Ack>> readAhead = new HashMap<>();

    /** Whether it knows every binding's position, and also whether each is parked when {@code parking} matters. */
    synchronized boolean knowsAll(List<Binding> bindings, boolean parking) {
        for (Binding binding : bindings) {
            if (!handledUpTo.containsKey(binding) || (parking && !lastFailed.containsKey(binding))) {
                return false;
            }
        }
        return true;
    }

    /** The bindings whose position it does not know. */
    synchronized List<Binding> unknownPositions(List<Binding> bindings) {
        return bindings.stream().filter(binding -> !handledUpTo.containsKey(binding)).toList();
    }

    /** The bindings whose position it knows but not whether they are parked. */
    synchronized List<Binding> unknownParking(List<Binding> bindings) {
        return bindings.stream()
                .filter(binding -> handledUpTo.containsKey(binding) && !lastFailed.containsKey(binding)).toList();
    }

    /** Positions read from the ack store; a position never moves back. */
    synchronized void positions(Map<Binding, Long> read) {
        read.forEach((binding, sequence) -> handledUpTo.merge(binding, sequence, Math::max));
    }

    /** Whether the binding's ack at its position failed, as read from the store. */
    synchronized void lastFailed(Binding binding, boolean failed) {
        lastFailed.put(binding, failed);
    }

    /** Up to which sequence the binding handled the aggregate; 0 if it handled nothing (or it is not known). */
    synchronized long handledUpTo(Binding binding) {
        return handledUpTo.getOrDefault(binding, 0L);
    }

    /** Whether the binding's last ack on the aggregate failed: parked, under the policy that parks. */
    synchronized boolean lastFailed(Binding binding) {
        return lastFailed.getOrDefault(binding, false);
    }

    /** Whether some binding handled {@code sequence} or a later event, by what it knows. */
    synchronized boolean someHandled(List<Binding> bindings, long sequence) {
        for (Binding binding : bindings) {
            if (handledUpTo(binding) >= sequence) {
                return true;
            }
        }
        return false;
    }

    /** The acks of the events, read in one batch of the bindings' keys ({@code found} holds those that exist). */
    synchronized void read(Collection<EventId> events, Map<AckKey, Ack> found) {
        for (EventId event : events) {
            readAhead.put(event, new HashMap<>());
        }
        found.forEach((key, ack) -> {
            Map<Binding, Ack> ofEvent = readAhead.get(key.eventId());
            if (ofEvent != null && events.contains(key.eventId())) {
                ofEvent.put(bindingOf(ack), ack);
            }
        });
    }

    /** Whether the acks of the event were read ahead and not yet taken. */
    synchronized boolean hasRead(EventId event) {
        return readAhead.containsKey(event);
    }

    /**
     * Takes the acks read ahead for the event, per binding (absent: none), and forgets them: a later copy of the
     * event reads again. Empty if none were read ahead.
     */
    synchronized Map<Binding, Ack> take(EventId event) {
        Map<Binding, Ack> taken = readAhead.remove(event);
        return taken == null ? Map.of() : taken;
    }

    /** The consumer's ack is durable: the binding's position, its parking and any ack read ahead follow it. */
    synchronized void recorded(Ack ack) {
        Binding binding = bindingOf(ack);
        Long upTo = handledUpTo.get(binding);
        // while the position is not known, the store may hold a later ack: this one does not make it known
        if (upTo != null && ack.sequence() > upTo) {
            handledUpTo.put(binding, ack.sequence());
            lastFailed.put(binding, !ack.isOk());
        } else if (upTo != null && ack.sequence() == upTo) {
            // merged as the store merges: an ok is final
            lastFailed.computeIfPresent(binding, (b, failed) -> failed && !ack.isOk());
        }
        Map<Binding, Ack> ofEvent = readAhead.get(ack.key().eventId());
        if (ofEvent != null) {
            ofEvent.merge(binding, ack, Ack::mergedWith);
        }
    }

    private static Binding bindingOf(Ack ack) {
        return new Binding(ack.key().service(), ack.aggregate().type(), ack.key().projection());
    }
}
