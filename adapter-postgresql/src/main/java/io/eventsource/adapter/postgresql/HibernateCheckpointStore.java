package io.eventsource.adapter.postgresql;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Projection;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The checkpoints in {@code <prefix>checkpoint}, one row per binding, in the event log's database. A save is one
 * upsert that keeps the greater of the stored and the given position, so concurrent saves never move a checkpoint
 * back. Plain SQL on the SessionFactory's connections: the table has no entity (nothing but a key and a number).
 *
 * <p>On the component's shared database it borrows the SessionFactory and holds nothing open: the database closes
 * with the event log and the ack store, so that compositions that close those two (as before checkpoints existed)
 * still close the pool. After that, the store fails with a {@link PermanentPortException}.
 */
@Singleton
final class HibernateCheckpointStore implements CheckpointStore {
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
