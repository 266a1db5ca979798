package io.eventsource.adapter.postgresql;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.hibernate.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The adapter's one SessionFactory (and its connection pool) with the {@link Sessions} that run statements on it (and
 * the adapter's pool of connections for reads), shared by the event log and the ack store of a component and closed
 * when the last of them closes. It is made here, inside the adapter, so that no Hibernate type appears in a user's
 * component.
 */
@Singleton
final class HibernateDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(HibernateDatabase.class);
    private static final String CONNECTION_TIMEOUT = "hibernate.hikari.connectionTimeout";

    private final SessionFactory sessionFactory;
    private final Sessions sessions;
    private int users;
    private boolean closed;

    /**
     * Migrates the schema and opens the SessionFactory, with a pool of the adapter's own for reads.
     *
     * @throws io.eventsource.ports.TransientPortException if the database cannot be reached
     * @throws io.eventsource.ports.PermanentPortException if it refuses the user, or the schema does not fit
     */
    @Inject
    HibernateDatabase(PostgreSqlSettings settings) {
        this(settings, Map.of());
    }

    /**
     * As {@link #HibernateDatabase(PostgreSqlSettings)}, with Hibernate / HikariCP properties overridden (for tests).
     */
    HibernateDatabase(PostgreSqlSettings settings, Map<String, String> overrides) {
        this(HibernateBootstrap.open(settings, overrides), settings, Duration.ofMillis(Long.parseLong(
                overrides.getOrDefault(CONNECTION_TIMEOUT, HibernateBootstrap.CONNECTION_TIMEOUT_MILLIS))));
    }

    private HibernateDatabase(SessionFactory sessionFactory, PostgreSqlSettings settings, Duration connectionTimeout) {
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        this.sessions = Sessions.readingFromOwn(sessionFactory,
                HibernateBootstrap.readPool(settings, connectionTimeout));
    }

    /** How the ports run their statements on the SessionFactory. */
    Sessions sessions() {
        return sessions;
    }

    /** The SessionFactory, for a port that {@link #release() releases} it when it closes. */
    synchronized SessionFactory acquire() {
        if (closed) {
            throw new IllegalStateException("the PostgreSQL adapter's database is closed");
        }
        users++;
        return sessionFactory;
    }

    /**
     * The SessionFactory, for a port that does not hold it open: one that closes with the ports that
     * {@link #acquire() acquired} it.
     *
     * @throws IllegalStateException if it is closed
     */
    synchronized SessionFactory borrow() {
        if (closed) {
            throw new IllegalStateException("the PostgreSQL adapter's database is closed");
        }
        return sessionFactory;
    }

    /** One port is done with the SessionFactory; the last one closes it. Never throws. */
    synchronized void release() {
        if (closed || --users > 0) {
            return;
        }
        closed = true;
        try {
            sessionFactory.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the SessionFactory failed", e);
        }
        sessions.close();
    }
}
