package io.eventsource.adapter.postgresql;

import io.eventsource.ports.AckStore;
import io.eventsource.tck.AckStoreContract;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The ack store contract on the real server: a store (and its writer thread) per test, over one database
 * and SessionFactory for the class; the contract's tests use fresh services and events.
 */
class HibernateAckStoreIT extends AckStoreContract {
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
