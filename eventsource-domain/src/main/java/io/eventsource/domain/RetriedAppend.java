package io.eventsource.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The rule every event log applies to an append that names event ids it already holds. A producer chooses each
 * {@link NewEvent}'s id so that a retried append (a publish sent again after a timeout, not knowing whether the
 * first try was written) can be recognised: then the log answers with what the first try wrote, and writes nothing.
 *
 * <p>An append is a retry when every one of its events is in the log, with the same content (aggregate, name,
 * payload, metadata, occurred at), in the append's order, at the sequences right after the version it expects (at
 * any sequences for {@link ExpectedVersion#ANY}). Anything else that reuses a stored id is refused with a
 * {@link DuplicateEventIdException}, writing nothing:
 * <ul>
 *   <li>an id stored for other content: an id names one event;</li>
 *   <li>stored events together with new ones: an append is written whole or not at all, so no written append
 *       holds only some of them. Append the new ones alone;</li>
 *   <li>stored events expected at another version: a retry expects what its first try expected.</li>
 * </ul>
 */
public final class RetriedAppend {
    private RetriedAppend() {
    }

    /**
     * Checks that the events of one append have distinct ids.
     *
     * @throws InvalidValueException naming the first id that repeats
     */
    public static void requireDistinctIds(AggregateRef aggregate, List<NewEvent> events) {
        Set<EventId> seen = new HashSet<>();
        for (NewEvent event : events) {
            if (!seen.add(event.id())) {
                throw new InvalidValueException("append to " + aggregate + " refused: event id " + event.id()
                        + " is given twice; the events of an append need distinct ids");
            }
        }
    }

    /**
     * Judges an append by what the log holds of its ids.
     *
     * @param aggregate the aggregate the append is for
     * @param expected the version the append expects
     * @param events the append's events, in order, with distinct ids
     * @param logged the log's events that carry any of the append's ids (of any aggregate, in any order); empty when
     *               the log holds none of them
     * @return empty when the log holds none of the ids (a new append: the version check decides); the logged events,
     *         in the append's order, when the append is a retry of one the log wrote
     * @throws DuplicateEventIdException when the log holds some of the ids and the append is not a retry
     */
    public static Optional<List<Event>> recognise(AggregateRef aggregate, ExpectedVersion expected,
                                                  List<NewEvent> events, Collection<Event> logged) {
        Map<EventId, Event> byId = new HashMap<>();
        for (Event event : logged) {
            byId.put(event.id(), event);
        }
        List<EventId> known = new ArrayList<>();
        List<EventId> unknown = new ArrayList<>();
        for (NewEvent event : events) {
            (byId.containsKey(event.id()) ? known : unknown).add(event.id());
        }
        if (known.isEmpty()) {
            return Optional.empty();
        }
        for (NewEvent event : events) {
            Event stored = byId.get(event.id());
            String differs = stored == null ? "" : differences(aggregate, event, stored);
            if (!differs.isEmpty()) {
                throw new DuplicateEventIdException(aggregate, known, "event id " + event.id() + " is already in the log"
                        + " as " + place(stored) + " with other content (" + differs + "); an event id names one event:"
                        + " give another event another id (EventId.random())");
            }
        }
        if (!unknown.isEmpty()) {
            throw new DuplicateEventIdException(aggregate, known, "events " + join(known) + " are already in the log ("
                    + places(known, byId) + ") but " + join(unknown) + (unknown.size() == 1 ? " is" : " are")
                    + " not; an append is written whole or not at all, so this is no retry of a written append:"
                    + " append the events that are not in the log on their own");
        }
        List<Event> stored = new ArrayList<>(events.size());
        for (NewEvent event : events) {
            stored.add(byId.get(event.id()));
        }
        for (int i = 0; i < stored.size(); i++) {
            long wanted = i == 0 ? (expected.value() == -1 ? stored.get(0).sequence() : expected.value() + 1)
                    : stored.get(i - 1).sequence() + 1;
            if (stored.get(i).sequence() != wanted) {
                throw new DuplicateEventIdException(aggregate, known, "events " + join(known) + " are already in the"
                        + " log (" + places(known, byId) + "), not where this append would put them (in order, after "
                        + expected + "); a retry expects what its first try expected, or any version");
            }
        }
        return Optional.of(List.copyOf(stored));
    }

    /** What differs between an event to append and the stored event with its id; empty if nothing does. */
    private static String differences(AggregateRef aggregate, NewEvent event, Event stored) {
        StringJoiner differs = new StringJoiner(", ");
        if (!stored.aggregate().equals(aggregate)) {
            differs.add("aggregate " + stored.aggregate() + ", not " + aggregate);
        }
        if (!stored.name().equals(event.name())) {
            differs.add("name " + stored.name() + ", not " + event.name());
        }
        Payload was = stored.payload();
        Payload is = event.payload();
        if (!was.contentType().equals(is.contentType())) {
            differs.add("payload of type " + was.contentType() + ", not " + is.contentType());
        } else if (was.size() != is.size()) {
            differs.add("payload of " + was.size() + " bytes, not " + is.size());
        } else if (!was.equals(is)) {
            differs.add("other payload bytes");
        }
        if (!stored.metadata().equals(event.metadata())) {
            differs.add("other metadata");
        }
        if (!stored.occurredAt().equals(event.occurredAt())) {
            differs.add("occurred at " + stored.occurredAt() + ", not " + event.occurredAt());
        }
        return differs.toString();
    }

    private static String place(Event stored) {
        return stored.aggregate() + "#" + stored.sequence();
    }

    private static String places(List<EventId> ids, Map<EventId, Event> byId) {
        StringJoiner places = new StringJoiner(", ");
        ids.forEach(id -> places.add(place(byId.get(id))));
        return places.toString();
    }

    private static String join(List<EventId> ids) {
        StringJoiner joined = new StringJoiner(", ");
        ids.forEach(id -> joined.add(id.value()));
        return joined.toString();
    }
}
