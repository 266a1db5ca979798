package io.eventsource.adapter.mysql;

import io.eventsource.ports.EventLog;
import io.eventsource.tck.EventLogConnectionLossContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.InetSocketAddress;
import java.net.URI;

/** The event log on the real server, through the suite's proxy: a SessionFactory per test, closed with the log. */
class HibernateEventLogConnectionLossIT extends EventLogConnectionLossContract {
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
        MySqlSettings settings = database.settings().withJdbcUrl(TestDatabase.through(database.settings().jdbcUrl(), through));
        return new HibernateEventLog(TestDatabase.quickToGiveUp(settings), settings);
    }
}
