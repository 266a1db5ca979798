package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replay of a binding's failures (G5): each failed event, as the log holds it, goes again through the service's
 * queue of its aggregate ({@link Redrive}), marked as a replay for that binding ({@link #REPLAY_FOR}), so that the
 * queue's active consumer hands it to that binding once more although it has an ack (fail) for it. The mark is
 * removed before any handler sees the event.
 */
final class Replay {
    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);
    /**
     * The metadata key that marks a published copy of an event as a replay of one binding's failure; its value
     * is {@link #tag(Binding)}.
     */
    static final String REPLAY_FOR = "eventsource-replay-for";
    /** Upper bound of the failures replayed per call. */
    static final int MAX_REPLAY = 10_000;

    private final AckStore acks;
    private final EventLog log;
    private final Redrive redrive;

    Replay(AckStore acks, EventLog log, Redrive redrive) {
        this.acks = acks;
        this.log = log;
        this.redrive = redrive;
    }

    /** The value of {@link #REPLAY_FOR} that names the binding. */
    static String tag(Binding binding) {
        return binding.service().value() + "/" + binding.projection().value();
    }

    /** A copy of the event marked as a replay for the binding. */
    static Event marked(Event event, Binding binding) {
        Map<String, String> metadata = new HashMap<>(event.metadata());
        metadata.put(REPLAY_FOR, tag(binding));
        return new Event(event.id(), event.aggregate(), event.sequence(), event.name(), event.payload(), metadata,
                event.occurredAt());
    }

    /** The event without the replay mark, as handlers see it. */
    static Event unmarked(Event event) {
        Map<String, String> metadata = new HashMap<>(event.metadata());
        metadata.remove(REPLAY_FOR);
        return new Event(event.id(), event.aggregate(), event.sequence(), event.name(), event.payload(), metadata,
                event.occurredAt());
    }

    /**
     * See {@link ProjectionBinding#replayFailures}: up to {@code limit} failures of the binding, oldest first, each
     * aggregate's in sequence order and followed by its latest event (a parked binding whose replay succeeds fills the
     * rest from the log).
     *
     * @return the events replayed
     * @throws IllegalArgumentException if {@code limit} is not 1-{@value #MAX_REPLAY}
     * @throws io.eventsource.ports.PortException if the ack store, the log or the broker cannot be reached
     */
    List<Event> failures(Binding binding, int limit) {
        if (limit < 1 || limit > MAX_REPLAY) {
            throw new IllegalArgumentException("replayFailures limit must be 1-" + MAX_REPLAY + ", got " + limit);
        }
        Map<AggregateRef, List<Ack>> byAggregate = new LinkedHashMap<>();
        for (Ack failure : acks.failures(binding.service(), binding.projection(), limit)) {
            byAggregate.computeIfAbsent(failure.aggregate(), a -> new ArrayList<>()).add(failure);
        }
        List<Event> replayed = new ArrayList<>();
        for (Map.Entry<AggregateRef, List<Ack>> entry : byAggregate.entrySet()) {
            AggregateRef aggregate = entry.getKey();
            List<Ack> failures = entry.getValue();
            failures.sort(Comparator.comparingLong(Ack::sequence));
            List<Event> failed = new ArrayList<>();
            List<Event> toPublish = new ArrayList<>();
            for (Ack failure : failures) {
                List<Event> found = log.read(aggregate, failure.sequence(), failure.sequence());
                if (found.isEmpty() || !found.get(0).id().equals(failure.key().eventId())) {
                    LOG.warn("{} has a failed ack for {} at {}#{} that the event log does not hold; not replaying it",
                            binding, failure.key().eventId(), aggregate, failure.sequence());
                    continue;
                }
                failed.add(found.get(0));
                toPublish.add(marked(found.get(0), binding));
            }
            if (failed.isEmpty()) {
                continue;
            }
            redrive.replay(aggregate, toPublish);
            replayed.addAll(failed);
            LOG.info("{} replays {} failed event(s) of {}", binding, failed.size(), aggregate);
        }
        return replayed;
    }
}
