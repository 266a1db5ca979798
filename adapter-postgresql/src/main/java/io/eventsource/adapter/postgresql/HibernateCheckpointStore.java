package io.eventsource.adapter.postgresql;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ReplayRequest;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.PermanentPortException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.hibernate.jdbc.ReturningWork;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The checkpoints in {@code <prefix>checkpoint}, one row per binding, and the replays' progress in
 * {@code <prefix>replay}, one row per replay, in the event log's database. A save is one
 * upsert that keeps the greater of the stored and the given position, so concurrent saves never move a checkpoint
 * back. Plain SQL on the SessionFactory's connections: the table has no entity (nothing but a key and a number).
 *
 * <p>On the component's shared database it borrows the SessionFactory and holds nothing open: the database closes
 * with the event log and the ack store, so that compositions that close those two (as before checkpoints existed)
 * still close the pool. After that, the store fails with a {@link PermanentPortException}.
 */
@Singleton
final class HibernateCheckpointStore implements CheckpointStore {
    /** The columns of a replay's row, in the order its statements use them. */
    private static final String REPLAY_COLUMNS = "replay_id, service, aggregate_type, projection, aggregate_id,"
            + " from_position, to_position, occurred_from_ns, occurred_before_ns, failed_only, events_per_second,"
            + " is_reset, selected, sent, last_position, up_to_position, finished, started_at_ns, updated_at_ns";
    /** A stored replay's row replaced by the one given, but for its id. */
    private static final String REPLAY_UPDATES = Arrays.stream(REPLAY_COLUMNS.split(",\\s*")).skip(1)
            .map(column -> column + " = EXCLUDED." + column).collect(Collectors.joining(", "));
    private final Supplier<SessionFactory> sessionFactory;
    private final Tables tables;

    /** A store on the component's shared database, which the other ports close. */
    @Inject
    HibernateCheckpointStore(HibernateDatabase database, PostgreSqlSettings settings) {
        this(database::borrow, settings);
    }

    /** A store on a SessionFactory that the caller owns and closes. */
    HibernateCheckpointStore(SessionFactory sessionFactory, PostgreSqlSettings settings) {
        this(supplierOf(Objects.requireNonNull(sessionFactory, "sessionFactory")), settings);
    }

    private HibernateCheckpointStore(Supplier<SessionFactory> sessionFactory, PostgreSqlSettings settings) {
        this.sessionFactory = sessionFactory;
        this.tables = Tables.of(settings);
    }

    private static Supplier<SessionFactory> supplierOf(SessionFactory sessionFactory) {
        return () -> sessionFactory;
    }

    @Override
    public long load(Binding binding) {
        Objects.requireNonNull(binding, "binding");
        return work("load the checkpoint of " + binding, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT log_position FROM "
                    + tables.checkpoint() + " WHERE service = ? AND aggregate_type = ? AND projection = ?")) {
                select.setString(1, binding.service().value());
                select.setString(2, binding.type().value());
                select.setString(3, binding.projection().value());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getLong(1) : 0L;
                }
            }
        });
    }

    /** One statement: the row's lock makes concurrent saves of one binding take turns, and the greater one stays. */
    @Override
    public void save(Binding binding, long position) {
        Objects.requireNonNull(binding, "binding");
        CheckpointStore.requireValid(position);
        work("save the checkpoint " + position + " of " + binding, connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + tables.checkpoint()
                    + " (service, aggregate_type, projection, log_position) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (service, aggregate_type, projection) DO UPDATE"
                    + " SET log_position = GREATEST(" + tables.checkpoint() + ".log_position, EXCLUDED.log_position)")) {
                upsert.setString(1, binding.service().value());
                upsert.setString(2, binding.type().value());
                upsert.setString(3, binding.projection().value());
                upsert.setLong(4, position);
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public Map<Binding, Long> loadAll(ServiceName service) {
        Objects.requireNonNull(service, "service");
        return work("load the checkpoints of " + service, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT aggregate_type, projection,"
                    + " log_position FROM " + tables.checkpoint() + " WHERE service = ?")) {
                select.setString(1, service.value());
                Map<Binding, Long> found = new LinkedHashMap<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.put(new Binding(service, AggregateType.of(rows.getString(1)),
                                Projection.of(rows.getString(2))), rows.getLong(3));
                    }
                }
                return Map.copyOf(found);
            }
        });
    }

    @Override
    public void rewind(Binding binding, long position) {
        Objects.requireNonNull(binding, "binding");
        CheckpointStore.requireValid(position);
        work("rewind the checkpoint of " + binding + " to " + position, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + tables.checkpoint()
                    + " SET log_position = LEAST(log_position, ?)"
                    + " WHERE service = ? AND aggregate_type = ? AND projection = ?")) {
                update.setLong(1, position);
                update.setString(2, binding.service().value());
                update.setString(3, binding.type().value());
                update.setString(4, binding.projection().value());
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void saveReplay(ReplayProgress progress) {
        Objects.requireNonNull(progress, "progress");
        ReplayRequest request = progress.request();
        work("save the progress of replay " + progress.id(), connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + tables.replay() + " ("
                    + REPLAY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (replay_id) DO UPDATE SET " + REPLAY_UPDATES)) {
                int column = 1;
                upsert.setString(column++, progress.id().value());
                upsert.setString(column++, progress.binding().service().value());
                upsert.setString(column++, progress.binding().type().value());
                upsert.setString(column++, progress.binding().projection().value());
                upsert.setString(column++, request.aggregateId() == null ? null : request.aggregateId().value());
                upsert.setLong(column++, request.fromPosition());
                upsert.setLong(column++, request.toPosition());
                setInstant(upsert, column++, request.occurredFrom(), "occurredFrom");
                setInstant(upsert, column++, request.occurredBefore(), "occurredBefore");
                upsert.setBoolean(column++, request.onlyFailed());
                upsert.setInt(column++, request.eventsPerSecond());
                upsert.setBoolean(column++, request.isReset());
                upsert.setLong(column++, progress.selected());
                upsert.setLong(column++, progress.sent());
                upsert.setLong(column++, progress.lastPosition());
                upsert.setLong(column++, progress.upToPosition());
                upsert.setBoolean(column++, progress.finished());
                upsert.setLong(column++, Timestamps.toColumn(progress.startedAt(), "startedAt"));
                upsert.setLong(column, Timestamps.toColumn(progress.updatedAt(), "updatedAt"));
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<ReplayProgress> loadReplay(ReplayId id) {
        Objects.requireNonNull(id, "id");
        return work("load the progress of replay " + id, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + REPLAY_COLUMNS + " FROM "
                    + tables.replay() + " WHERE replay_id = ?")) {
                select.setString(1, id.value());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(replayOf(rows)) : Optional.<ReplayProgress>empty();
                }
            }
        });
    }

    @Override
    public List<ReplayProgress> replays(ServiceName service) {
        Objects.requireNonNull(service, "service");
        return work("load the replays of " + service, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + REPLAY_COLUMNS + " FROM "
                    + tables.replay() + " WHERE service = ? ORDER BY started_at_ns, replay_id")) {
                select.setString(1, service.value());
                List<ReplayProgress> found = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(replayOf(rows));
                    }
                }
                return List.copyOf(found);
            }
        });
    }

    private static void setInstant(PreparedStatement statement, int column, Instant instant, String what)
            throws SQLException {
        if (instant == null) {
            statement.setNull(column, Types.BIGINT);
        } else {
            statement.setLong(column, Timestamps.toColumn(instant, what));
        }
    }

    private static Instant instantOf(ResultSet rows, String column) throws SQLException {
        long nanos = rows.getLong(column);
        return rows.wasNull() ? null : Timestamps.fromColumn(nanos);
    }

    private static ReplayProgress replayOf(ResultSet rows) throws SQLException {
        ReplayId id = ReplayId.of(rows.getString("replay_id"));
        Binding binding = new Binding(ServiceName.of(rows.getString("service")),
                AggregateType.of(rows.getString("aggregate_type")), Projection.of(rows.getString("projection")));
        String aggregateId = rows.getString("aggregate_id");
        ReplayRequest request = new ReplayRequest(id, aggregateId == null ? null : AggregateId.of(aggregateId),
                rows.getLong("from_position"), rows.getLong("to_position"), instantOf(rows, "occurred_from_ns"),
                instantOf(rows, "occurred_before_ns"), rows.getBoolean("failed_only"),
                rows.getInt("events_per_second"), rows.getBoolean("is_reset"));
        return new ReplayProgress(id, binding, request, rows.getLong("selected"), rows.getLong("sent"),
                rows.getLong("last_position"), rows.getLong("up_to_position"), rows.getBoolean("finished"),
                Timestamps.fromColumn(rows.getLong("started_at_ns")),
                Timestamps.fromColumn(rows.getLong("updated_at_ns")));
    }

    private <T> T work(String action, ReturningWork<T> work) {
        SessionFactory factory;
        try {
            factory = sessionFactory.get();
        } catch (IllegalStateException closed) {
            throw new PermanentPortException("cannot " + action + ": " + closed.getMessage(), closed);
        }
        try (StatelessSession session = factory.openStatelessSession()) {
            Transaction transaction = session.beginTransaction();
            try {
                T result = session.doReturningWork(work);
                transaction.commit();
                return result;
            } catch (RuntimeException e) {
                HibernateEventLog.rollbackQuietly(transaction);
                throw e;
            }
        } catch (RuntimeException e) {
            throw PostgreSqlFailures.translate(action, e);
        }
    }
}
