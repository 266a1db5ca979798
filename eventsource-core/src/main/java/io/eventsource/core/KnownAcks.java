package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    /** Events whose acks (of every binding) were read ahead, and those acks. */
    private final Set<EventId> readAhead = new HashSet<>();
    private final Map<AckKey, Ack> acks = new HashMap<>();

    /** Whether it knows every binding's position, and also whether each is parked when {@code parking} matters. */
    synchronized boolean knowsAll(List<BindingHandlers> bindings, boolean parking) {
        for (BindingHandlers binding : bindings) {
            if (!handledUpTo.containsKey(binding.binding())
                    || (parking && !lastFailed.containsKey(binding.binding()))) {
                return false;
            }
        }
        return true;
    }

    /** The bindings whose position it does not know. */
    synchronized List<Binding> unknownPositions(List<BindingHandlers> bindings) {
        return bindings.stream().map(BindingHandlers::binding).filter(binding -> !handledUpTo.containsKey(binding))
                .toList();
    }

    /** The bindings whose position it knows but not whether they are parked. */
    synchronized List<Binding> unknownParking(List<BindingHandlers> bindings) {
        return bindings.stream().map(BindingHandlers::binding)
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
    synchronized boolean someHandled(List<BindingHandlers> bindings, long sequence) {
        for (BindingHandlers binding : bindings) {
            if (handledUpTo(binding.binding()) >= sequence) {
                return true;
            }
        }
        return false;
    }

    /** The acks of the events, read in one batch ({@code found} holds those that exist). */
    synchronized void read(Collection<EventId> events, Map<AckKey, Ack> found) {
        readAhead.addAll(events);
        found.forEach((key, ack) -> {
            if (events.contains(key.eventId())) {
                acks.put(key, ack);
            }
        });
    }

    /** Whether the acks of the event were read ahead and not yet taken. */
    synchronized boolean hasRead(EventId event) {
        return readAhead.contains(event);
    }

    /**
     * Takes the acks read ahead for the event, per binding (absent: none), and forgets them: a later copy of the
     * event reads again.
     */
    synchronized Map<Binding, Ack> take(EventId event, List<BindingHandlers> bindings) {
        Map<Binding, Ack> taken = new HashMap<>();
        for (BindingHandlers binding : bindings) {
            Ack ack = acks.remove(AckKey.of(event, binding.binding()));
            if (ack != null) {
                taken.put(binding.binding(), ack);
            }
        }
        readAhead.remove(event);
        return taken;
    }

    /** The consumer's ack is durable: the binding's position, its parking and any ack read ahead follow it. */
    synchronized void recorded(Ack ack) {
        Binding binding = new Binding(ack.key().service(), ack.aggregate().type(), ack.key().projection());
        Long upTo = handledUpTo.get(binding);
        // while the position is not known, the store may hold a later ack: this one does not make it known
        if (upTo != null && ack.sequence() > upTo) {
            handledUpTo.put(binding, ack.sequence());
            lastFailed.put(binding, !ack.isOk());
        } else if (upTo != null && ack.sequence() == upTo) {
            // merged as the store merges: an ok is final
            lastFailed.computeIfPresent(binding, (b, failed) -> failed && !ack.isOk());
        }
        if (readAhead.contains(ack.key().eventId())) {
            acks.merge(ack.key(), ack, Ack::mergedWith);
        }
    }
}
