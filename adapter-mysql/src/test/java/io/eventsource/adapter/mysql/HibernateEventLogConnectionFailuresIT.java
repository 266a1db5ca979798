package io.eventsource.adapter.mysql;

import io.eventsource.ports.EventLog;
import io.eventsource.tck.EventLogConnectionFailuresContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.InetSocketAddress;
import java.net.URI;

/** The event log on the real server, through the suite's proxy: a SessionFactory per test, closed with the log. */
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
        MySqlSettings settings = throughProxy(through);
        return new HibernateEventLog(TestDatabase.quickToGiveUp(settings), settings);
    }

    @Override
    protected EventLog newRefusedEventLog(InetSocketAddress through) {
        MySqlSettings settings = throughProxy(through);
        MySqlSettings wrongPassword = new MySqlSettings(settings.jdbcUrl(), settings.user(), "not-the-password",
                settings.tls(), 1, settings.payloadLimit(), settings.ackBatchSize(), settings.ackFlushInterval(),
                settings.tablePrefix());
        return new HibernateEventLog(TestDatabase.quickToGiveUp(wrongPassword), wrongPassword);
    }

    private static MySqlSettings throughProxy(InetSocketAddress through) {
        return database.settings().withJdbcUrl(TestDatabase.through(database.settings().jdbcUrl(), through));
    }
}
