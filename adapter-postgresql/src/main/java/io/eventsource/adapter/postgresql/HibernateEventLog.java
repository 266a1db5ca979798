package io.eventsource.adapter.postgresql;

import io.eventsource.adapter.postgresql.entity.Columns;
import io.eventsource.adapter.postgresql.entity.EventRow;
import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.DuplicateEventIdException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventsourceException;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.domain.RetriedAppend;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import io.eventsource.ports.TransientPortException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The event log in {@code <prefix>event}. An append reads the aggregate's version, checks the expected
 * one and inserts the next sequences in one transaction; the unique key on (aggregate, sequence) makes
 * a concurrent appender that took a sequence first turn the slower one into a conflict. An append refused by the
 * version check or by the event-id key reads the rows of its ids, and the domain's {@link RetriedAppend} decides:
 * the retry of a written append gets the stored events, a reused id a {@link DuplicateEventIdException}.
 *
 * <p><b>Positions commit in order.</b> They come from the one row of {@code <prefix>log_head}, not from a sequence
 * (whose numbers are handed out at insert and commit in any order, so a reader could see n+1 before n). An append
 * locks that row first ({@code SELECT ... FOR UPDATE}), checks the version, inserts its events at the next
 * positions, moves the head and commits, and only the commit releases the lock: appends to the log take turns from
 * the head to the commit, and the next one reads the head only after the previous one's rows are visible (PostgreSQL
 * makes a transaction visible before it releases its locks). So whenever a reader sees position n+1, n is visible
 * too, and a rolled-back append gives its positions back: the log has no holes at all. The price is that appends to
 * one log (one table prefix) commit one at a time, whatever the aggregate; a batch of appends
 * ({@link #appendAll}) takes the lock once. A transaction-scoped advisory lock would serialize the same way, but its
 * key would share one number space with every advisory lock of the application; the row is the adapter's own and
 * also holds the last position.
 */
@Singleton
final class HibernateEventLog implements EventLog {
    /** How many ranges one query of {@link #readAll} holds at most. */
    private static final int RANGES_PER_QUERY = 200;
    /**
     * An append with ExpectedVersion.ANY tries this often when other appenders keep taking its sequence first,
     * backing off a random 0-n ms before the n-th retry so that contenders spread out.
     */
    private static final int ANY_VERSION_ATTEMPTS = 50;
    /** How many ids one query of versions, of events by id or of marks holds at most. */
    private static final int IDS_PER_QUERY = 1_000;
    private static final String SEQUENCE_KEY = "event_sequence_key";
    private static final String EVENT_ID_KEY = "event_id_key";
    /** Named in a refusal, so that the reader knows what to change. */
    static final String LIMIT_SETTING = "PostgreSqlSettings.payloadLimit";

    private final SessionFactory sessionFactory;
    private final Sessions sessions;
    private final PayloadLimit payloadLimit;
    private final Tables tables;
    /** The database this log releases when it closes; null when the SessionFactory belongs to the caller. */
    private final HibernateDatabase database;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EventStatements statements;

    /** A log on the component's shared database, released by {@link #close()}. */
    @Inject
    HibernateEventLog(HibernateDatabase database, PostgreSqlSettings settings) {
        this(database.acquire(), settings, database);
    }

    /** A log on a SessionFactory that the caller owns and closes. */
    HibernateEventLog(SessionFactory sessionFactory, PostgreSqlSettings settings) {
        this(sessionFactory, settings, null);
    }

    private HibernateEventLog(SessionFactory sessionFactory, PostgreSqlSettings settings, HibernateDatabase database) {
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        this.sessions = database == null ? Sessions.inTransactions(sessionFactory) : database.sessions();
        this.payloadLimit = PayloadLimit.ofBytes(settings.payloadLimit());
        this.tables = Tables.of(settings);
        this.database = database;
        this.statements = new EventStatements(tables.event());
    }

    /** Releases the shared database (closed with the last port that uses it). Never throws. */
    @Override
    public void close() {
        if (database != null && closed.compareAndSet(false, true)) {
            database.release();
        }
    }

    @Override
    public List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(expected, "expected");
        List<NewEvent> batch = List.copyOf(Objects.requireNonNull(events, "events"));
        checkColumns(aggregate);
        RetriedAppend.requireDistinctIds(aggregate, batch);
        List<String> metadata = new ArrayList<>(batch.size());
        for (NewEvent event : batch) {
            metadata.add(checked(aggregate, event));
        }
        if (batch.isEmpty()) {
            long actual = version(aggregate);
            if (!expected.admits(actual)) {
                throw new ConcurrencyConflictException(aggregate, expected, actual);
            }
            return List.of();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return insert(aggregate, expected, batch, metadata);
            } catch (ConcurrencyConflictException stale) {
                List<LoggedEvent> logged = readQuietly(session -> loggedWithIds(session, batch));
                if (logged == null) {
                    throw stale;
                }
                return retried(aggregate, expected, batch, logged).orElseThrow(() -> stale);
            } catch (EventsourceException refused) {
                throw refused;
            } catch (RuntimeException e) {
                boolean raced = PostgreSqlFailures.isDuplicateKey(e, SEQUENCE_KEY) || isDeadlock(e);
                if (raced && expected.value() == -1 && attempt < ANY_VERSION_ATTEMPTS) {
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(Math.min(attempt, 20) * 1_000_000L + 1));
                    continue;
                }
                if (raced || PostgreSqlFailures.isDuplicateKey(e, EVENT_ID_KEY)) {
                    return afterRace(aggregate, expected, batch, e);
                }
                throw PostgreSqlFailures.translate("append to " + aggregate, e);
            }
        }
    }

    /**
     * A publisher's batch in one transaction: each append's version is checked and its rows inserted, the
     * appends of one aggregate one after the other; an append at the wrong version is refused alone (unless it was
     * written by an earlier try: then it is returned as it is, see {@link RetriedAppend}). A lost race, a known event id
     * or a deadlock rolls the batch back and appends it one at a time, where each of those has its answer. The
     * versions of all the batch's aggregates are read in one query (per type and {@value #IDS_PER_QUERY} ids) once
     * the head is locked.
     */
    @Override
    public List<AppendOutcome> appendAll(List<Append> appends) {
        Objects.requireNonNull(appends, "appends");
        List<AppendOutcome> outcomes = new ArrayList<>(appends.size());
        List<List<String>> metadata = new ArrayList<>(appends.size());
        Set<EventId> ids = new HashSet<>();
        boolean repeatedIds = false;
        for (Append append : appends) {
            try {
                checkColumns(append.aggregate());
                List<String> encoded = new ArrayList<>(append.events().size());
                for (NewEvent event : append.events()) {
                    encoded.add(checked(append.aggregate(), event));
                    repeatedIds |= !ids.add(event.id());
                }
                metadata.add(encoded);
                outcomes.add(null);
            } catch (InvalidValueException refused) {
                metadata.add(null);
                outcomes.add(new AppendOutcome.Refused(refused));
            }
        }
        if (appends.size() == 1 || repeatedIds) {
            return EventLog.super.appendAll(appends);
        }
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            Transaction transaction = session.beginTransaction();
            try {
                LogHead head = LogHead.lock(session, tables);
                Set<AggregateRef> aggregates = new LinkedHashSet<>();
                for (int i = 0; i < appends.size(); i++) {
                    if (outcomes.get(i) == null) {
                        aggregates.add(appends.get(i).aggregate());
                    }
                }
                // read under the head's lock, like the version of a single append: no other append moves them now
                Map<AggregateRef, Long> versions = versions(session, aggregates);
                for (int i = 0; i < appends.size(); i++) {
                    if (outcomes.get(i) != null) {
                        continue;
                    }
                    Append append = appends.get(i);
                    long actual = versions.get(append.aggregate());
                    if (!append.expected().admits(actual)) {
                        outcomes.set(i, notAdmitted(append, actual, loggedWithIds(session, append.events())));
                        versions.put(append.aggregate(), actual);
                        continue;
                    }
                    List<LoggedEvent> logged = insertRows(session, head, append.aggregate(), actual, append.events(),
                            metadata.get(i));
                    versions.put(append.aggregate(), actual + logged.size());
                    outcomes.set(i, new AppendOutcome.Appended(logged));
                }
                head.save(session);
                transaction.commit();
                return outcomes;
            } catch (RuntimeException e) {
                rollbackQuietly(transaction);
                throw e;
            }
        } catch (RuntimeException e) {
            if (PostgreSqlFailures.isDuplicateKey(e, SEQUENCE_KEY) || PostgreSqlFailures.isDuplicateKey(e, EVENT_ID_KEY) || isDeadlock(e)) {
                return EventLog.super.appendAll(appends);
            }
            throw PostgreSqlFailures.translate("append a batch of " + appends.size() + " aggregates' events", e);
        }
    }

    private List<LoggedEvent> insert(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> batch,
                                     List<String> metadata) {
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            Transaction transaction = session.beginTransaction();
            try {
                // first the head: from here to the commit, no other append runs, so the version read next stays true
                LogHead head = LogHead.lock(session, tables);
                long actual = version(session, aggregate);
                if (!expected.admits(actual)) {
                    throw new ConcurrencyConflictException(aggregate, expected, actual);
                }
                List<LoggedEvent> logged = insertRows(session, head, aggregate, actual, batch, metadata);
                head.save(session);
                transaction.commit();
                return logged;
            } catch (RuntimeException e) {
                rollbackQuietly(transaction);
                throw e;
            }
        }
    }

    private static List<LoggedEvent> insertRows(StatelessSession session, LogHead head, AggregateRef aggregate,
                                                long actual, List<NewEvent> batch, List<String> metadata) {
        List<LoggedEvent> logged = new ArrayList<>(batch.size());
        long sequence = actual;
        for (int i = 0; i < batch.size(); i++) {
            NewEvent event = batch.get(i);
            sequence++;
            Payload payload = event.payload();
            EventRow row = new EventRow(head.next(), event.id().value(), aggregate.type().value(), aggregate.id().value(),
                    sequence, event.name().value(), payload.bytes(), payload.contentType(), metadata.get(i),
                    Timestamps.toColumn(event.occurredAt(), "Event occurredAt"));
            session.insert(row);
            Event stored = new Event(event.id(), aggregate, sequence, event.name(), payload, event.metadata(),
                    event.occurredAt());
            logged.add(new LoggedEvent(row.position(), stored, null));
        }
        return List.copyOf(logged);
    }

    /**
     * After a lost race, a deadlock or a known event id: the very same events already logged (a retried
     * append whose first try committed) are returned as they are, a known id that is no retry is refused;
     * otherwise the append conflicts.
     */
    private List<LoggedEvent> afterRace(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> batch,
                                        RuntimeException cause) {
        String action = "append to " + aggregate;
        Optional<List<LoggedEvent>> retried = retried(aggregate, expected, batch,
                sessions.read(action, session -> loggedWithIds(session, batch)));
        if (retried.isPresent()) {
            return retried.get();
        }
        if (PostgreSqlFailures.isDuplicateKey(cause, EVENT_ID_KEY)) {
            // the row that held the id is gone again: its transaction rolled back after this insert waited for it
            throw new TransientPortException(action + " met an event id among " + ids(batch) + " that another append"
                    + " was writing and did not commit; nothing was written, try again", cause);
        }
        long actual = sessions.read(action, session -> version(session, aggregate));
        if (isDeadlock(cause) && expected.admits(actual)) {
            // nothing changed: the deadlock was with another kind of writer; a retry may pass
            throw PostgreSqlFailures.translate(action, cause);
        }
        throw new ConcurrencyConflictException(aggregate, expected, actual);
    }

    /** The outcome of an append whose expected version the aggregate is not at: a retry, a reused id, or a conflict. */
    private static AppendOutcome notAdmitted(Append append, long actual, List<LoggedEvent> logged) {
        try {
            return retried(append.aggregate(), append.expected(), append.events(), logged)
                    .<AppendOutcome>map(AppendOutcome.Appended::new)
                    .orElseGet(() -> new AppendOutcome.Refused(new ConcurrencyConflictException(append.aggregate(),
                            append.expected(), actual)));
        } catch (DuplicateEventIdException refused) {
            return new AppendOutcome.Refused(refused);
        }
    }

    /**
     * The domain's judgement of an append by the logged events with its ids: empty if there are none, the stored
     * events if it is a retry.
     *
     * @throws DuplicateEventIdException if the log holds some of the ids and the append is no retry
     */
    private static Optional<List<LoggedEvent>> retried(AggregateRef aggregate, ExpectedVersion expected,
                                                       List<NewEvent> batch, List<LoggedEvent> logged) {
        Map<EventId, LoggedEvent> byId = new HashMap<>();
        logged.forEach(entry -> byId.put(entry.event().id(), entry));
        return RetriedAppend.recognise(aggregate, expected, batch, logged.stream().map(LoggedEvent::event).toList())
                .map(events -> events.stream().map(event -> byId.get(event.id())).toList());
    }

    /** The logged events that carry any of the batch's ids, of any aggregate. */
    private static List<LoggedEvent> loggedWithIds(StatelessSession session, List<NewEvent> batch) {
        return session.createSelectionQuery("from EventRow e where e.eventId in :ids", EventRow.class)
                .setParameterList("ids", batch.stream().map(event -> event.id().value()).toList())
                .getResultList()
                .stream().map(HibernateEventLog::toLogged).toList();
    }

    /**
     * The versions of the aggregates (0 for one without events): one query per type and {@value #IDS_PER_QUERY}
     * ids, each reading one entry of the (type, id, sequence) unique index per id ({@link EventStatements#versions}).
     */
    private Map<AggregateRef, Long> versions(StatelessSession session, Collection<AggregateRef> aggregates) {
        Map<AggregateType, List<String>> idsByType = new LinkedHashMap<>();
        Map<AggregateRef, Long> versions = new HashMap<>();
        for (AggregateRef aggregate : aggregates) {
            idsByType.computeIfAbsent(aggregate.type(), type -> new ArrayList<>()).add(aggregate.id().value());
            versions.put(aggregate, 0L);
        }
        idsByType.forEach((type, ids) -> {
            for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
                statements.versions(session, type, ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY)),
                        versions);
            }
        });
        return versions;
    }

    @Override
    public long version(AggregateRef aggregate) {
        Objects.requireNonNull(aggregate, "aggregate");
        return sessions.read("read the version of " + aggregate, session -> version(session, aggregate));
    }

    static long version(StatelessSession session, AggregateRef aggregate) {
        Long version = session.createSelectionQuery("select max(e.sequence) from EventRow e"
                        + " where e.aggregateType = :type and e.aggregateId = :id", Long.class)
                .setParameter("type", aggregate.type().value())
                .setParameter("id", aggregate.id().value())
                .getSingleResult();
        return version == null ? 0 : version;
    }

    @Override
    public List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
        Objects.requireNonNull(aggregate, "aggregate");
        if (fromSequence > toSequence) {
            return List.of();
        }
        return sessions.read("read " + aggregate + " #" + fromSequence + "-" + toSequence, session -> session
                .createSelectionQuery("from EventRow e where e.aggregateType = :type and e.aggregateId = :id"
                        + " and e.sequence between :from and :to order by e.sequence", EventRow.class)
                .setParameter("type", aggregate.type().value())
                .setParameter("id", aggregate.id().value())
                .setParameter("from", fromSequence)
                .setParameter("to", toSequence)
                .getResultList()
                .stream().map(row -> toLogged(row).event()).toList());
    }

    /** One query per {@value #RANGES_PER_QUERY} ranges: each range is an index range scan of (type, id, sequence). */
    @Override
    public List<List<Event>> readAll(List<SequenceRange> ranges) {
        return readAllLogged(ranges).stream()
                .map(events -> events.stream().map(LoggedEvent::event).toList())
                .toList();
    }

    /** As {@link #readAll}, with positions: the same one query per {@value #RANGES_PER_QUERY} ranges. */
    @Override
    public List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
        Objects.requireNonNull(ranges, "ranges");
        List<List<LoggedEvent>> found = new ArrayList<>(ranges.size());
        for (int start = 0; start < ranges.size(); start += RANGES_PER_QUERY) {
            found.addAll(readChunk(ranges.subList(start, Math.min(ranges.size(), start + RANGES_PER_QUERY))));
        }
        return found;
    }

    private List<List<LoggedEvent>> readChunk(List<SequenceRange> ranges) {
        List<SequenceRange> wanted = new ArrayList<>(ranges.size());
        for (SequenceRange range : ranges) {
            if (!Objects.requireNonNull(range, "ranges must not contain null").isEmpty()) {
                wanted.add(range);
            }
        }
        List<LoggedEvent> rows = wanted.isEmpty() ? List.of()
                : sessions.read("read " + wanted.size() + " aggregates' events",
                        session -> statements.inRanges(session, wanted));
        return SequenceRange.answer(ranges, rows);
    }

    @Override
    public LogPage read(LogQuery query) {
        Objects.requireNonNull(query, "query");
        List<LoggedEvent> rows = sessions.read("read the log after position " + query.afterPosition(),
                session -> statements.page(session, query));
        boolean hasMore = rows.size() > query.limit();
        List<LoggedEvent> events = rows.size() > query.limit() ? rows.subList(0, query.limit()) : rows;
        long lastPosition = events.isEmpty() ? query.afterPosition() : events.get(events.size() - 1).position();
        return new LogPage(events, lastPosition, hasMore);
    }

    @Override
    public long newestPosition(AggregateType type) {
        Objects.requireNonNull(type, "type");
        // one probe of the index on (aggregate_type, global_position), not the port's default that pages the log
        Long newest = sessions.read("read the newest position of " + type, session -> session
                .createSelectionQuery("select max(e.position) from EventRow e where e.aggregateType = :type", Long.class)
                .setParameter("type", type.value())
                .getSingleResult());
        return newest == null ? 0 : newest;
    }

    @Override
    public List<LoggedEvent> unpublished(Instant occurredBefore, int limit) {
        Objects.requireNonNull(occurredBefore, "occurredBefore");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
        return sessions.read("read unpublished events", session -> session
                .createSelectionQuery("from EventRow e where e.publishedAt is null and e.occurredAt < :before"
                        + " order by e.position", EventRow.class)
                .setParameter("before", Timestamps.bound(occurredBefore))
                .setMaxResults(limit)
                .getResultList()
                .stream().map(HibernateEventLog::toLogged).toList());
    }

    @Override
    public void markPublished(Collection<EventId> events, Instant at) {
        Objects.requireNonNull(at, "at");
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(Objects.requireNonNull(events, "events")).stream()
                .map(EventId::value).toList());
        if (ids.isEmpty()) {
            return;
        }
        long publishedAt = Timestamps.toColumn(at, "published at");
        sessions.write("mark " + ids.size() + " events published", session -> {
            for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
                statements.markPublished(session, ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY)),
                        publishedAt);
            }
            return null;
        });
    }

    /** For a second look after a refusal: a failure here leaves the refusal as it was. */
    private <T> T readQuietly(Function<StatelessSession, T> work) {
        try {
            return sessions.read("look up a retried append", work);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static LoggedEvent toLogged(EventRow row) {
        return toLogged(row.position(), row.eventId(), row.aggregateType(), row.aggregateId(), row.sequence(),
                row.name(), row.payload(), row.contentType(), row.metadata(), row.occurredAt(), row.publishedAt());
    }

    /** An event row's columns as the logged event; {@code publishedAt} null while it is unpublished. */
    static LoggedEvent toLogged(long position, String eventId, String aggregateType, String aggregateId,
                                long sequence, String name, byte[] payload, String contentType, String metadataJson,
                                long occurredAt, Long publishedAt) {
        Map<String, String> metadata;
        try {
            metadata = MetadataJson.read(metadataJson);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("event " + eventId + " at position " + position + ": "
                    + e.getMessage(), e);
        }
        Event event = new Event(EventId.of(eventId),
                new AggregateRef(AggregateType.of(aggregateType), AggregateId.of(aggregateId)),
                sequence, EventName.of(name), new Payload(payload, contentType), metadata,
                Timestamps.fromColumn(occurredAt));
        return new LoggedEvent(position, event, Timestamps.fromColumn(publishedAt));
    }

    /** Checks what the domain does not bound: the payload against the limit, the metadata against its column. */
    private String checked(AggregateRef aggregate, NewEvent event) {
        Objects.requireNonNull(event, "events must not contain null");
        check("EventId", event.id().value(), Columns.EVENT_ID);
        check("EventName", event.name().value(), Columns.EVENT_NAME);
        check("Payload content type", event.payload().contentType(), Columns.CONTENT_TYPE);
        payloadLimit.check(aggregate, event, LIMIT_SETTING);
        String metadata = MetadataJson.write(event.metadata());
        int bytes = metadata.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Columns.METADATA) {
            throw new InvalidValueException("Event metadata of " + event.name() + " " + event.id() + " for " + aggregate
                    + " is " + bytes + " bytes as JSON, over the event log's limit of " + Columns.METADATA
                    + " bytes: keep metadata to a few short headers");
        }
        Timestamps.toColumn(event.occurredAt(), () -> "Event occurredAt of " + event.id());
        return metadata;
    }

    private static void checkColumns(AggregateRef aggregate) {
        check("AggregateType", aggregate.type().value(), Columns.AGGREGATE_TYPE);
        check("AggregateId", aggregate.id().value(), Columns.AGGREGATE_ID);
    }

    /** The columns match the domain's limits today; this keeps a refusal readable should the two drift apart. */
    static void check(String what, String value, int columnSize) {
        if (value.length() > columnSize) {
            throw new InvalidValueException(what + " \"" + (value.length() > 80 ? value.substring(0, 77) + "..." : value)
                    + "\" is " + value.length() + " characters; the PostgreSQL column holds at most " + columnSize);
        }
    }

    private static boolean isDeadlock(Throwable failure) {
        return PostgreSqlFailures.isDeadlock(failure);
    }

    private static List<String> ids(List<NewEvent> batch) {
        return batch.stream().map(event -> event.id().value()).toList();
    }

    static void rollbackQuietly(Transaction transaction) {
        try {
            if (transaction.isActive()) {
                transaction.rollback();
            }
        } catch (RuntimeException ignored) {
            // the connection is gone or the transaction already ended: nothing was committed either way
        }
    }
}
