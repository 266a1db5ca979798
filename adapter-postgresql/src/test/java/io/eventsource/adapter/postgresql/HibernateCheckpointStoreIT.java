package io.eventsource.adapter.postgresql;

import io.eventsource.ports.CheckpointStore;
import io.eventsource.tck.CheckpointStoreContract;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The checkpoint store contract on the real server: a store per test over one database and SessionFactory for the
 * class; the contract's tests use fresh services and types.
 */
class HibernateCheckpointStoreIT extends CheckpointStoreContract {
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
    protected CheckpointStore newCheckpointStore() {
        return new HibernateCheckpointStore(sessionFactory, database.settings());
    }
}
