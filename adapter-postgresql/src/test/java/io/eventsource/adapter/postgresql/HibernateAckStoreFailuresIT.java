package io.eventsource.adapter.postgresql;

import io.eventsource.ports.AckStore;
import io.eventsource.tck.AckStoreFailuresContract;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** How the ack store fails, on the real server: a store per test over one prefix and SessionFactory. */
class HibernateAckStoreFailuresIT extends AckStoreFailuresContract {
    private static TestDatabase database;
    private static SessionFactory sessionFactory;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        sessionFactory = HibernateBootstrap.open(database.settings());
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
    protected AckStore newAckStore() {
        return new HibernateAckStore(sessionFactory, database.settings());
    }
}
