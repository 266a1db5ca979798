package io.eventsource.tck;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.domain.RetriedAppend;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A correct event log for the TCK's own tests, in memory, with the limits of a SQL store (instants as nanoseconds in a
 * 64-bit column, metadata in a 64 KiB column) that it checks before writing, as an adapter should. The deliberately
 * broken adapters wrap it or configure it wrongly.
 */
final class SimpleEventLog implements EventLog {
    static final Instant EARLIEST = Instant.ofEpochSecond(0, Long.MIN_VALUE);
    static final Instant LATEST = Instant.ofEpochSecond(0, Long.MAX_VALUE);
    static final int METADATA_BYTES = 65_535;

    private final PayloadLimit limit;
    private final ChronoUnit precision;
    private final List<LoggedEvent> log = new ArrayList<>();
    private final Map<AggregateRef, List<Integer>> indexesByAggregate = new HashMap<>();
    private final Map<EventId, Integer> indexById = new HashMap<>();

    SimpleEventLog(PayloadLimit limit) {
        this(limit, ChronoUnit.NANOS);
    }

    /**
     * A log whose instants are kept to {@code precision}, as a column of that precision keeps them: precise to the
     * nanosecond, it is correct; to the millisecond it is one of the deliberately broken adapters.
     */
    SimpleEventLog(PayloadLimit limit, ChronoUnit precision) {
        this.limit = limit;
        this.precision = precision;
    }

    @Override
    public synchronized List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
        List<NewEvent> batch = List.copyOf(events);
        RetriedAppend.requireDistinctIds(aggregate, batch);
        List<Event> logged = new ArrayList<>();
        for (NewEvent event : batch) {
            limit.check(aggregate, event, "SimpleEventLog's limit");
            checkHoldable(event);
            Integer index = indexById.get(event.id());
            if (index != null) {
                logged.add(log.get(index).event());
            }
        }
        Optional<List<Event>> retried = RetriedAppend.recognise(aggregate, expected, batch, logged);
        if (retried.isPresent()) {
            return retried.get().stream().map(event -> log.get(indexById.get(event.id()))).toList();
        }
        long version = version(aggregate);
        if (!expected.admits(version)) {
            throw new ConcurrencyConflictException(aggregate, expected, version);
        }
        List<LoggedEvent> appended = new ArrayList<>();
        List<Integer> indexes = indexesByAggregate.computeIfAbsent(aggregate, any -> new ArrayList<>());
        for (NewEvent event : batch) {
            NewEvent stored = new NewEvent(event.id(), event.name(), event.payload(), event.metadata(),
                    event.occurredAt().truncatedTo(precision));
            LoggedEvent entry = new LoggedEvent(log.size() + 1L, stored.at(aggregate, ++version), null);
            indexes.add(log.size());
            indexById.put(event.id(), log.size());
            log.add(entry);
            appended.add(entry);
        }
        return appended;
    }

    static void checkHoldable(NewEvent event) {
        if (event.occurredAt().isBefore(EARLIEST) || event.occurredAt().isAfter(LATEST)) {
            throw new InvalidValueException("occurredAt must be between " + EARLIEST + " and " + LATEST + ", got "
                    + event.occurredAt());
        }
        int bytes = 0;
        for (Map.Entry<String, String> header : event.metadata().entrySet()) {
            bytes += header.getKey().getBytes(StandardCharsets.UTF_8).length
                    + header.getValue().getBytes(StandardCharsets.UTF_8).length + 4;
        }
        if (bytes > METADATA_BYTES) {
            throw new InvalidValueException("metadata of " + event.id() + " is " + bytes + " bytes, over " + METADATA_BYTES);
        }
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
        for (long sequence = Math.max(1, fromSequence); sequence <= Math.min(indexes.size(), toSequence); sequence++) {
            events.add(log.get(indexes.get((int) sequence - 1)).event());
        }
        return events;
    }

    @Override
    public synchronized LogPage read(LogQuery query) {
        List<LoggedEvent> page = new ArrayList<>();
        long lastPosition = query.afterPosition();
        boolean more = false;
        for (long index = query.afterPosition(); index < log.size(); index++) {
            LoggedEvent candidate = log.get((int) index);
            Event event = candidate.event();
            boolean matches = (query.type() == null || query.type().equals(event.aggregate().type()))
                    && (query.id() == null || query.id().equals(event.aggregate().id()))
                    && (query.occurredFrom() == null || !event.occurredAt().isBefore(query.occurredFrom()))
                    && (query.occurredBefore() == null || event.occurredAt().isBefore(query.occurredBefore()));
            if (!matches) {
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

    @Override
    public synchronized List<LoggedEvent> unpublished(Instant occurredBefore, int limit) {
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
        for (EventId id : events) {
            Integer index = indexById.get(id);
            if (index != null && !log.get(index).isPublished()) {
                LoggedEvent unpublished = log.get(index);
                log.set(index, new LoggedEvent(unpublished.position(), unpublished.event(), at.truncatedTo(precision)));
            }
        }
    }
}
