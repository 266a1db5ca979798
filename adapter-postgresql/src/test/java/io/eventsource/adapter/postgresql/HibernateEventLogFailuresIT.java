package io.eventsource.adapter.postgresql;

import io.eventsource.ports.EventLog;
import io.eventsource.tck.EventLogFailuresContract;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** How the event log fails, on the real server: one prefix (and SessionFactory) for the class, as for the contract. */
class HibernateEventLogFailuresIT extends EventLogFailuresContract {
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
