package io.eventsource.adapter.postgresql;

import io.eventsource.ports.EventLog;
import io.eventsource.tck.EventLogConnectionFailuresContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The event log on the real server, through the suite's proxy: a SessionFactory per test, closed with the log. The
 * refused log connects as a role that does not exist (the local server's trust authentication would take a wrong
 * password).
 */
class HibernateEventLogConnectionFailuresIT extends EventLogConnectionFailuresContract {
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
    protected EventLog newEventLog(InetSocketAddress through) {
        PostgreSqlSettings settings = throughProxy(through);
        return new HibernateEventLog(TestDatabase.quickToGiveUp(settings), settings);
    }

    @Override
    protected EventLog newRefusedEventLog(InetSocketAddress through) {
        PostgreSqlSettings refused = TestDatabase.asUnknownUser(throughProxy(through));
        return new HibernateEventLog(TestDatabase.quickToGiveUp(refused), refused);
    }

    private static PostgreSqlSettings throughProxy(InetSocketAddress through) {
        return database.settings().withJdbcUrl(TestDatabase.through(database.settings().jdbcUrl(), through));
    }
}
