package io.eventsource.adapter.postgresql;

import io.eventsource.ports.AckStore;
import io.eventsource.tck.AckStoreConnectionFailuresContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The ack store on the real server, through the suite's proxy: a SessionFactory per test, closed with the store. The
 * refused store connects as a role that does not exist (the local server's trust authentication would take a wrong
 * password).
 */
class HibernateAckStoreConnectionFailuresIT extends AckStoreConnectionFailuresContract {
    private static TestDatabase database;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
    }

    @AfterAll
    static void stop() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected URI storeAddress() {
        return URI.create(database.settings().jdbcUrl());
    }

    @Override
    protected AckStore newAckStore(InetSocketAddress through) {
        PostgreSqlSettings settings = throughProxy(through);
        return new HibernateAckStore(TestDatabase.quickToGiveUp(settings), settings);
    }

    @Override
    protected AckStore newRefusedAckStore(InetSocketAddress through) {
        PostgreSqlSettings refused = TestDatabase.asUnknownUser(throughProxy(through));
        return new HibernateAckStore(TestDatabase.quickToGiveUp(refused), refused);
    }

    private static PostgreSqlSettings throughProxy(InetSocketAddress through) {
        return database.settings().withJdbcUrl(TestDatabase.through(database.settings().jdbcUrl(), through));
    }
}
