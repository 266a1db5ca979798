package io.eventsource.adapter.postgresql;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the ports run their statements: writes in a transaction of the SessionFactory's, reads on connections of
 * their own where there are some.
 *
 * <p>A read in a transaction costs a round trip more than its statements: the {@code COMMIT} that ends it (the driver
 * sends the {@code BEGIN} with the first statement, but waits for the {@code COMMIT}'s answer on its own). On the
 * adapter's own pool, reads therefore borrow a connection of a second pool whose connections are in autocommit: each
 * statement is its own transaction, which in {@code READ COMMITTED} reads what a transaction's statement would (each
 * takes a snapshot of what was committed when it started). On a DataSource of another's (the tests'), a read runs on
 * one of its connections as it comes: in autocommit as is, otherwise in a transaction it commits. On a SessionFactory
 * that a caller owns, reads run in its transactions.
 *
 * <p>Only reads go to {@link #read}: a statement that writes there would be committed on its own, and on the
 * adapter's own pool the server refuses it (the read pool's sessions are read-only).
 */
final class Sessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private final SessionFactory sessionFactory;
    /** Where reads get their connections; null: in transactions of the SessionFactory. */
    private final DataSource reads;
    /** The read pool that closes with these sessions; null when it is another's or there is none. */
    private final AutoCloseable ownPool;

    private Sessions(SessionFactory sessionFactory, DataSource reads, AutoCloseable ownPool) {
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        this.reads = reads;
        this.ownPool = ownPool;
    }

    /** Reads and writes in transactions of the SessionFactory (one that a caller owns). */
    static Sessions inTransactions(SessionFactory sessionFactory) {
        return new Sessions(sessionFactory, null, null);
    }

    /** Reads on connections of a DataSource that stays open. */
    static Sessions readingFrom(SessionFactory sessionFactory, DataSource dataSource) {
        return new Sessions(sessionFactory, Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    /** Reads on the adapter's own read pool, closed by {@link #close()}. */
    static <P extends DataSource & AutoCloseable> Sessions readingFromOwn(SessionFactory sessionFactory, P pool) {
        return new Sessions(sessionFactory, Objects.requireNonNull(pool, "pool"), pool);
    }

    /**
     * Runs a read; a failure becomes the port exception for {@code action}.
     *
     * @throws io.eventsource.ports.PortException if it fails
     */
    <T> T read(String action, Function<StatelessSession, T> work) {
        if (reads == null) {
            return write(action, work);
        }
        try (Connection connection = reads.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            T result;
            try (StatelessSession session = sessionFactory.withStatelessOptions().connection(connection)
                    .openStatelessSession()) {
                result = work.apply(session);
            } catch (RuntimeException e) {
                if (!autoCommit) {
                    // a failed statement aborts PostgreSQL's transaction: end it before the connection goes back
                    rollbackQuietly(connection);
                }
                throw e;
            }
            if (!autoCommit) {
                connection.commit();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            throw PostgreSqlFailures.translate(action, e);
        }
    }

    /**
     * Runs {@code work} in one transaction, committed if it returns, rolled back if it throws; a failure becomes the
     * port exception for {@code action}.
     *
     * @throws io.eventsource.ports.PortException if it fails
     */
    <T> T write(String action, Function<StatelessSession, T> work) {
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            Transaction transaction = session.beginTransaction();
            try {
                T result = work.apply(session);
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

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Rolling back a read failed too: {}", e.toString());
        }
    }

    /** Closes the adapter's read pool, if it made one. Never throws. */
    @Override
    public void close() {
        if (ownPool == null) {
            return;
        }
        try {
            ownPool.close();
        } catch (Exception e) {
            LOG.warn("Closing the PostgreSQL adapter's read pool failed", e);
        }
    }
}
