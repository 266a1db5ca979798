package io.eventsource.adapter.postgresql;

import io.eventsource.ports.EventLog;
import io.eventsource.tck.EventLogContract;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The event log contract on the real server. One database (and SessionFactory) for the class: the
 * contract's tests use fresh aggregates, and filter the outbox to their own events.
 */
class HibernateEventLogIT extends EventLogContract {
    private static TestDatabase database;
    private static SessionFactory sessionFactory;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        sessionFactory = HibernateBootstrap.open(database.settings().withPoolSize(8));
    }

    @AfterAll
    static void stop() {
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected EventLog newEventLog() {
        return new HibernateEventLog(sessionFactory, database.settings());
    }
}
