package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.domain.RetriedAppend;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The event log in memory: the whole log as a list in position order (position n at index n - 1). It refuses what
 * the database would (a payload over the limit, a reused event id) with the same exceptions, before writing anything.
 */
final class InMemoryEventLog implements EventLog {
    /** Named in a refusal, so that the reader knows what to change. */
    static final String LIMIT_SETTING = "the in-memory event log's PayloadLimit";

    private final PayloadLimit limit;
    private final List<LoggedEvent> log = new ArrayList<>();
    private final Map<AggregateRef, List<Integer>> indexesByAggregate = new HashMap<>();
    private final Map<EventId, Integer> indexById = new HashMap<>();

    /** A log that refuses payloads over {@code limit}. */
    InMemoryEventLog(PayloadLimit limit) {
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /** A log with the default payload limit, 1 MiB. */
    InMemoryEventLog() {
        this(PayloadLimit.DEFAULT);
    }

    @Override
    public synchronized List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(expected, "expected");
        List<NewEvent> batch = List.copyOf(Objects.requireNonNull(events, "events"));
        RetriedAppend.requireDistinctIds(aggregate, batch);
        List<Event> logged = new ArrayList<>();
        for (NewEvent event : batch) {
            limit.check(aggregate, event, LIMIT_SETTING);
            Integer index = indexById.get(event.id());
            if (index != null) {
                logged.add(log.get(index).event());
            }
        }
        Optional<List<Event>> retried = RetriedAppend.recognise(aggregate, expected, batch, logged);
        if (retried.isPresent()) {
            // a retried append whose first try was written: the same events, as they are
            return retried.get().stream().map(event -> log.get(indexById.get(event.id()))).toList();
        }
        long version = version(aggregate);
        if (!expected.admits(version)) {
            throw new ConcurrencyConflictException(aggregate, expected, version);
        }
        List<LoggedEvent> appended = new ArrayList<>();
        List<Integer> indexes = indexesByAggregate.computeIfAbsent(aggregate, any -> new ArrayList<>());
        for (NewEvent event : batch) {
            LoggedEvent entry = new LoggedEvent(log.size() + 1L, event.at(aggregate, ++version), null);
            indexes.add(log.size());
            indexById.put(event.id(), log.size());
            log.add(entry);
            appended.add(entry);
        }
        return appended;
    }

    @Override
    public synchronized long version(AggregateRef aggregate) {
        List<Integer> indexes = indexesByAggregate.get(aggregate);
        return indexes == null ? 0 : indexes.size();
    }

    @Override
    public synchronized List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
        List<Integer> indexes = indexesByAggregate.getOrDefault(aggregate, List.of());
        List<Event> events = new ArrayList<>();
        long from = Math.max(1, fromSequence);
        long to = Math.min(indexes.size(), toSequence);
        for (long sequence = from; sequence <= to; sequence++) {
            events.add(log.get(indexes.get((int) sequence - 1)).event());
        }
        return events;
    }

    @Override
    public synchronized List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
        List<List<LoggedEvent>> found = new ArrayList<>(Objects.requireNonNull(ranges, "ranges").size());
        for (SequenceRange range : ranges) {
            Objects.requireNonNull(range, "ranges must not contain null");
            List<Integer> indexes = indexesByAggregate.getOrDefault(range.aggregate(), List.of());
            List<LoggedEvent> events = new ArrayList<>();
            for (long sequence = Math.max(1, range.fromSequence());
                 sequence <= Math.min(indexes.size(), range.toSequence()); sequence++) {
                events.add(log.get(indexes.get((int) sequence - 1)));
            }
            found.add(List.copyOf(events));
        }
        return found;
    }

    @Override
    public synchronized LogPage read(LogQuery query) {
        List<LoggedEvent> page = new ArrayList<>();
        long lastPosition = query.afterPosition();
        boolean more = false;
        for (long index = query.afterPosition(); index < log.size(); index++) {
            LoggedEvent candidate = log.get((int) index);
            if (!matches(query, candidate.event())) {
                continue;
            }
            if (page.size() == query.limit()) {
                more = true;
                break;
            }
            page.add(candidate);
            lastPosition = candidate.position();
        }
        return new LogPage(page, lastPosition, more);
    }

    private static boolean matches(LogQuery query, Event event) {
        if (query.type() != null && !query.type().equals(event.aggregate().type())) {
            return false;
        }
        if (query.id() != null && !query.id().equals(event.aggregate().id())) {
            return false;
        }
        if (query.occurredFrom() != null && event.occurredAt().isBefore(query.occurredFrom())) {
            return false;
        }
        return query.occurredBefore() == null || event.occurredAt().isBefore(query.occurredBefore());
    }

    @Override
    public synchronized long newestPosition(AggregateType type) {
        Objects.requireNonNull(type, "type");
        for (int index = log.size() - 1; index >= 0; index--) {
            if (log.get(index).event().aggregate().type().equals(type)) {
                return log.get(index).position();
            }
        }
        return 0;
    }

    @Override
    public synchronized List<LoggedEvent> unpublished(Instant occurredBefore, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
        List<LoggedEvent> found = new ArrayList<>();
        for (LoggedEvent candidate : log) {
            if (found.size() == limit) {
                break;
            }
            if (!candidate.isPublished() && candidate.event().occurredAt().isBefore(occurredBefore)) {
                found.add(candidate);
            }
        }
        return found;
    }

    @Override
    public synchronized void markPublished(Collection<EventId> events, Instant at) {
        Objects.requireNonNull(at, "at");
        for (EventId id : events) {
            Integer index = indexById.get(id);
            if (index != null && !log.get(index).isPublished()) {
                LoggedEvent unpublished = log.get(index);
                log.set(index, new LoggedEvent(unpublished.position(), unpublished.event(), at));
            }
        }
    }
}
