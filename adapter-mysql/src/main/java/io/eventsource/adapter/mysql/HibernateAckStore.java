package io.eventsource.adapter.mysql;

import io.eventsource.adapter.mysql.entity.AckRow;
import io.eventsource.adapter.mysql.entity.Columns;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The acks in {@code <prefix>ack}, written in batches: {@link #record} queues the acks and returns at
 * once; one writer thread takes whole calls from the queue, up to the batch size, and upserts their acks
 * with multi-row {@code INSERT ... ON DUPLICATE KEY UPDATE} statements in one transaction. Each caller's
 * stage completes after that transaction commits, or exceptionally when it did not: a call's acks are
 * never split between transactions, so a failure never leaves part of a call recorded.
 *
 * <p>The merge of {@link Ack#mergedWith} happens in the statement, against the stored row: ok stays ok,
 * attempts add up, a later outcome replaces a fail. A transient failure (lost connection, deadlock) is
 * retried on a fresh connection a few times before the callers hear of it; a permanent one is retried
 * call by call, so that one bad call does not fail the others batched with it.
 */
@Singleton
final class HibernateAckStore implements AckStore {
    private static final Logger LOG = LoggerFactory.getLogger(HibernateAckStore.class);
    private static final int KEYS_PER_QUERY = 1_000;
    private static final int DEFAULT_RETRIES = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Comparator<Ack> BY_KEY = Comparator.comparing((Ack ack) -> ack.key().eventId().value())
            .thenComparing(ack -> ack.key().service().value())
            .thenComparing(ack -> ack.key().projection().value());

    private final SessionFactory sessionFactory;
    private final Sessions sessions;
    private final Tables tables;
    private final AckStatements statements;
    private final int batchSize;
    private final long flushIntervalNanos;
    private final int retries;
    /** The database this store releases when it closes; null when the SessionFactory belongs to the caller. */
    private final HibernateDatabase database;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int queuedAcks;
    private boolean closed;
    private final Thread writer;
    /** Completes callers' stages off the writer thread, so that what a caller chains on them never delays a write. */
    private final ExecutorService completions;

    private record Pending(List<Ack> acks, CompletableFuture<Void> done) {
    }

    /** A store on the component's shared database, released by {@link #close()} once the queued acks are written. */
    @Inject
    HibernateAckStore(HibernateDatabase database, MySqlSettings settings) {
        this(database.acquire(), settings, DEFAULT_RETRIES, database);
    }

    /** A store on a SessionFactory that the caller owns and closes. */
    HibernateAckStore(SessionFactory sessionFactory, MySqlSettings settings) {
        this(sessionFactory, settings, DEFAULT_RETRIES);
    }

    HibernateAckStore(SessionFactory sessionFactory, MySqlSettings settings, int retries) {
        this(sessionFactory, settings, retries, null);
    }

    private HibernateAckStore(SessionFactory sessionFactory, MySqlSettings settings, int retries,
                              HibernateDatabase database) {
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        this.sessions = database == null ? Sessions.inTransactions(sessionFactory) : database.sessions();
        this.database = database;
        this.tables = Tables.of(settings);
        this.statements = new AckStatements(tables.ack());
        this.batchSize = settings.ackBatchSize();
        this.flushIntervalNanos = settings.ackFlushInterval().toNanos();
        this.retries = retries;
        this.completions = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "eventsource-ack-completions-" + tables.prefix());
            thread.setDaemon(true);
            return thread;
        });
        this.writer = new Thread(this::writeUntilClosed, "eventsource-ack-writer-" + tables.prefix());
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @Override
    public CompletionStage<Void> record(Collection<Ack> acks) {
        List<Ack> copy = List.copyOf(Objects.requireNonNull(acks, "acks"));
        for (Ack ack : copy) {
            // refused here, to the caller, rather than failing a batch that other callers share
            Timestamps.toColumn(ack.at(), () -> "Ack time of " + ack.key());
            HibernateEventLog.check("Ack last error", ack.lastError(), Columns.LAST_ERROR);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (copy.isEmpty()) {
            done.complete(null);
            return done;
        }
        synchronized (lock) {
            if (closed) {
                done.completeExceptionally(new PermanentPortException("the MySQL ack store is closed; "
                        + copy.size() + " acks were not recorded"));
                return done;
            }
            queue.add(new Pending(copy, done));
            queuedAcks += copy.size();
            lock.notifyAll();
        }
        return done;
    }

    private void writeUntilClosed() {
        while (true) {
            List<Pending> batch = nextBatch();
            if (batch == null) {
                return;
            }
            try {
                write(batch);
            } catch (RuntimeException | Error unexpected) {
                // never let the writer die: fail this batch and go on with the next
                LOG.error("ack writer failed unexpectedly", unexpected);
                complete(batch, Failures.translate("record acks", unexpected));
            }
        }
    }

    /** Blocks until there is something to write; waits up to the flush interval for a fuller batch. Null once closed and drained. */
    private List<Pending> nextBatch() {
        synchronized (lock) {
            try {
                while (queue.isEmpty() && !closed) {
                    lock.wait();
                }
                long deadline = System.nanoTime() + flushIntervalNanos;
                long remaining;
                while (queuedAcks < batchSize && !closed && (remaining = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(lock, remaining);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
            if (queue.isEmpty()) {
                return null;
            }
            List<Pending> batch = new ArrayList<>();
            int acks = 0;
            // whole calls only; the first one goes even when larger than a batch
            while (!queue.isEmpty() && (batch.isEmpty() || acks + queue.peek().acks().size() <= batchSize)) {
                Pending next = queue.poll();
                acks += next.acks().size();
                batch.add(next);
            }
            queuedAcks -= acks;
            return batch;
        }
    }

    private void write(List<Pending> batch) {
        List<Ack> rows = new ArrayList<>();
        for (Pending pending : batch) {
            rows.addAll(pending.acks());
        }
        // one order for every writer: two instances upserting overlapping keys lock them in the same order
        // (stable sort: acks of one key keep their order, and the statement merges them in that order)
        rows.sort(BY_KEY);
        for (int attempt = 0; ; attempt++) {
            try {
                upsert(rows);
                complete(batch, null);
                return;
            } catch (RuntimeException e) {
                PortException failure = Failures.translate("record " + rows.size() + " acks", e);
                if (failure.isTransient() && attempt < retries && !Thread.currentThread().isInterrupted()) {
                    LOG.warn("Recording {} acks failed (attempt {} of {}), retrying: {}", rows.size(), attempt + 1,
                            retries + 1, failure.getMessage());
                    LockSupport.parkNanos(FIRST_BACKOFF.toNanos() << attempt);
                    continue;
                }
                if (!failure.isTransient() && batch.size() > 1) {
                    // one call's bad ack must not fail the calls batched with it
                    for (Pending pending : batch) {
                        write(List.of(pending));
                    }
                    return;
                }
                LOG.warn("Recording {} acks failed: {}", rows.size(), failure.getMessage());
                complete(batch, failure);
                return;
            }
        }
    }

    /** All rows in one transaction: committed together or not at all. */
    private void upsert(List<Ack> rows) {
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            Transaction transaction = session.beginTransaction();
            try {
                session.doWork(connection -> {
                    for (int from = 0; from < rows.size(); from += batchSize) {
                        upsert(connection, rows.subList(from, Math.min(rows.size(), from + batchSize)));
                    }
                });
                transaction.commit();
            } catch (RuntimeException e) {
                HibernateEventLog.rollbackQuietly(transaction);
                throw e;
            }
        }
    }

    private void upsert(Connection connection, List<Ack> rows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(upsertSql(rows.size()))) {
            int column = 1;
            for (Ack ack : rows) {
                statement.setString(column++, ack.key().eventId().value());
                statement.setString(column++, ack.key().service().value());
                statement.setString(column++, ack.key().projection().value());
                statement.setString(column++, ack.status().name());
                statement.setInt(column++, ack.attempts());
                statement.setString(column++, ack.lastError());
                statement.setString(column++, ack.aggregate().type().value());
                statement.setString(column++, ack.aggregate().id().value());
                statement.setLong(column++, ack.sequence());
                statement.setLong(column++, Timestamps.toColumn(ack.at(), () -> "Ack time of " + ack.key()));
            }
            statement.executeUpdate();
        }
    }

    /**
     * One statement for {@code rows} acks: placeholders only, the table name from validated settings.
     *
     * <p>The merge ({@link Ack#mergedWith}) in SQL. MySQL and MariaDB evaluate the assignments left to right,
     * each seeing the values assigned before it, so {@code status} is assigned last and every condition
     * reads the stored status. {@code VALUES(col)} (the row that collided) is what MariaDB supports; MySQL
     * 8.0.20+ deprecates it in favour of a row alias ({@code INSERT ... AS new ... new.col}), which MariaDB
     * does not have, and still accepts it (with a deprecation warning).
     */
    private String upsertSql(int rows) {
        StringBuilder sql = new StringBuilder(160 + rows * 24 + 420)
                .append("INSERT INTO ").append(tables.ack())
                .append(" (event_id, service, projection, status, attempts, last_error, aggregate_type, aggregate_id,"
                        + " aggregate_sequence, acked_at_ns) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?,?)");
        }
        return sql.append(" ON DUPLICATE KEY UPDATE"
                        + " attempts = IF(status = 'OK', attempts, LEAST(attempts + VALUES(attempts), 2147483647)),"
                        + " last_error = IF(status = 'OK', last_error, VALUES(last_error)),"
                        + " acked_at_ns = IF(status = 'OK', acked_at_ns, VALUES(acked_at_ns)),"
                        + " status = IF(status = 'OK', status, VALUES(status))")
                .toString();
    }

    private void complete(List<Pending> batch, PortException failure) {
        Runnable completion = () -> {
            for (Pending pending : batch) {
                if (failure == null) {
                    pending.done().complete(null);
                } else {
                    pending.done().completeExceptionally(failure);
                }
            }
        };
        try {
            completions.execute(completion);
        } catch (RejectedExecutionException closing) {
            // a writer that outlived close(): complete here rather than leave callers waiting
            completion.run();
        }
    }

    @Override
    public Map<AckKey, Ack> find(Collection<AckKey> keys) {
        Set<AckKey> wanted = new LinkedHashSet<>(Objects.requireNonNull(keys, "keys"));
        if (wanted.isEmpty()) {
            return Map.of();
        }
        List<String> eventIds = wanted.stream().map(key -> key.eventId().value()).distinct().toList();
        Map<AckKey, Ack> found = new HashMap<>();
        for (int from = 0; from < eventIds.size(); from += KEYS_PER_QUERY) {
            List<String> chunk = eventIds.subList(from, Math.min(eventIds.size(), from + KEYS_PER_QUERY));
            List<Ack> rows = sessions.read("find " + wanted.size() + " acks",
                    session -> statements.ofEvents(session, chunk));
            for (Ack ack : rows) {
                if (wanted.contains(ack.key())) {
                    found.put(ack.key(), ack);
                }
            }
        }
        return Map.copyOf(found);
    }

    @Override
    public long lastSequence(ServiceName service, Projection projection, AggregateRef aggregate) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(aggregate, "aggregate");
        Long last = sessions.read("read the last sequence of " + service + "/" + projection + " on " + aggregate,
                session -> session
                .createSelectionQuery("select max(a.sequence) from AckRow a where a.key.service = :service"
                        + " and a.key.projection = :projection and a.aggregateType = :type and a.aggregateId = :id",
                        Long.class)
                .setParameter("service", service.value())
                .setParameter("projection", projection.value())
                .setParameter("type", aggregate.type().value())
                .setParameter("id", aggregate.id().value())
                .getSingleResult());
        return last == null ? 0 : last;
    }

    /** One query, {@link #lastSequencesAll}'s for one aggregate. */
    @Override
    public Map<Binding, Long> lastSequences(Collection<Binding> bindings, AggregateRef aggregate) {
        Objects.requireNonNull(aggregate, "aggregate");
        return lastSequencesAll(bindings, List.of(aggregate)).get(aggregate);
    }

    /**
     * {@link #lastSequences} grouped by aggregate too: one query per {@value #KEYS_PER_QUERY} aggregates, on the same
     * index.
     */
    @Override
    public Map<AggregateRef, Map<Binding, Long>> lastSequencesAll(Collection<Binding> bindings,
                                                                   Collection<AggregateRef> aggregates) {
        Objects.requireNonNull(bindings, "bindings");
        Map<AggregateRef, Map<Binding, Long>> last = new LinkedHashMap<>();
        for (AggregateRef aggregate : Objects.requireNonNull(aggregates, "aggregates")) {
            AckStore.requireTypeOf(Objects.requireNonNull(aggregate, "aggregates must not contain null"), bindings);
            Map<Binding, Long> none = new LinkedHashMap<>();
            bindings.forEach(binding -> none.put(binding, 0L));
            last.put(aggregate, none);
        }
        if (last.isEmpty() || bindings.isEmpty()) {
            return last;
        }
        AggregateType type = last.keySet().iterator().next().type();
        List<Binding> distinct = List.copyOf(new LinkedHashSet<>(bindings));
        List<String> ids = last.keySet().stream().map(aggregate -> aggregate.id().value()).toList();
        for (int from = 0; from < ids.size(); from += KEYS_PER_QUERY) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + KEYS_PER_QUERY));
            sessions.read("read the last sequences of " + bindings.size() + " bindings on " + chunk.size()
                    + " aggregates of " + type, session -> {
                statements.lastSequences(session, type, distinct, chunk, last);
                return null;
            });
        }
        return last;
    }

    @Override
    public Set<EventId> acknowledged(ServiceName service, Projection projection, Collection<EventId> events) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(projection, "projection");
        List<String> ids = new LinkedHashSet<>(Objects.requireNonNull(events, "events")).stream()
                .map(EventId::value).toList();
        Set<EventId> acknowledged = new LinkedHashSet<>();
        for (int from = 0; from < ids.size(); from += KEYS_PER_QUERY) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + KEYS_PER_QUERY));
            sessions.read("find the acknowledged events of " + service + "/" + projection, session -> statements
                    .acknowledged(session, service.value(), projection.value(), chunk))
                    .forEach(id -> acknowledged.add(EventId.of(id)));
        }
        return Set.copyOf(acknowledged);
    }

    /** One delete per chunk of keys, each committed: a replay forgets a step's acks before it sends the step. */
    @Override
    public void forget(Binding binding, Collection<EventId> events) {
        Objects.requireNonNull(binding, "binding");
        List<String> ids = new LinkedHashSet<>(Objects.requireNonNull(events, "events")).stream()
                .map(EventId::value).toList();
        for (int from = 0; from < ids.size(); from += KEYS_PER_QUERY) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + KEYS_PER_QUERY));
            sessions.write("forget " + chunk.size() + " acks of " + binding, session -> session
                    .createMutationQuery("delete from AckRow a where a.key.eventId in :ids"
                            + " and a.key.service = :service and a.key.projection = :projection")
                    .setParameterList("ids", chunk)
                    .setParameter("service", binding.service().value())
                    .setParameter("projection", binding.projection().value())
                    .executeUpdate());
        }
    }

    @Override
    public List<Ack> failures(ServiceName service, Projection projection, int limit) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(projection, "projection");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
        return sessions.read("read the failures of " + service + "/" + projection, session -> session
                .createSelectionQuery("from AckRow a where a.key.service = :service and a.key.projection = :projection"
                        + " and a.status = :fail order by a.ackedAt, a.key.eventId", AckRow.class)
                .setParameter("service", service.value())
                .setParameter("projection", projection.value())
                .setParameter("fail", AckStatus.FAIL.name())
                .setMaxResults(limit)
                .getResultList()
                .stream().map(HibernateAckStore::toAck).toList());
    }

    /** Writes what is queued, then stops the writer; later calls to {@link #record} fail. Never throws. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        try {
            writer.join(CLOSE_TIMEOUT.toMillis());
            if (writer.isAlive()) {
                LOG.warn("The ack writer did not finish within {}; interrupting it", CLOSE_TIMEOUT);
                writer.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completions.shutdown();
        try {
            completions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (database != null) {
            database.release();
        }
    }

    private static Ack toAck(AckRow row) {
        return new Ack(new AckKey(EventId.of(row.key().eventId()), ServiceName.of(row.key().service()),
                Projection.of(row.key().projection())), AckStatus.valueOf(row.status()), row.attempts(),
                row.lastError(), AggregateRef.of(row.aggregateType(), row.aggregateId()), row.sequence(),
                Timestamps.fromColumn(row.ackedAt()));
    }

}
