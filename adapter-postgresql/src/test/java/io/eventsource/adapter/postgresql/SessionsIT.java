package io.eventsource.adapter.postgresql;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.PermanentPortException;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads end without a {@code COMMIT} where their connection is in autocommit, and in one where it is not; writes
 * through the adapter's read pool are refused (the real server).
 */
class SessionsIT {
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

    @Test
    void aReadOnAConnectionInAutocommitSendsItsStatementsAndNoCommit() {
        CountingDataSource dataSource = new CountingDataSource(database.settings()).autoCommit(true);
        Sessions sessions = Sessions.readingFrom(sessionFactory, dataSource);
        AggregateRef aggregate = appendedAggregate();

        long version = readVersion(sessions, aggregate);

        assertThat(version).isEqualTo(2);
        assertThat(dataSource.statements()).isEqualTo(1);
        assertThat(dataSource.endings()).isEqualTo("0/0");
        assertThat(dataSource.open()).isZero();
    }

    @Test
    void aReadOnAConnectionOutOfAutocommitCommitsOnceOrRollsBackOnFailure() {
        CountingDataSource dataSource = new CountingDataSource(database.settings()).autoCommit(false);
        Sessions sessions = Sessions.readingFrom(sessionFactory, dataSource);

        assertThat(readVersion(sessions, appendedAggregate())).isEqualTo(2);
        assertThat(dataSource.endings()).isEqualTo("1/0");

        assertThatThrownBy(() -> sessions.read("read a missing table", session -> session.doReturningWork(
                connection -> {
                    try (Statement statement = connection.createStatement();
                         ResultSet rows = statement.executeQuery("SELECT 1 FROM no_such_table")) {
                        return rows.next();
                    }
                })))
                .isInstanceOf(PermanentPortException.class)
                .hasMessageContaining("PostgreSQL read a missing table failed")
                .hasMessageContaining("relation \"no_such_table\" does not exist");
        assertThat(dataSource.endings()).isEqualTo("1/1");
        assertThat(dataSource.open()).isZero();
    }

    @Test
    void theAdaptersReadPoolIsInAutocommitAndRefusesWrites() {
        HibernateDatabase own = new HibernateDatabase(database.settings(), Map.of());
        try {
            AggregateRef aggregate = appendedAggregate();
            assertThat(readVersion(own.sessions(), aggregate)).isEqualTo(2);
            boolean autoCommit = own.sessions().read("ask the connection's mode",
                    session -> session.doReturningWork(connection -> connection.getAutoCommit()));
            assertThat(autoCommit).isTrue();

            // in autocommit, pgjdbc makes the session read-only only in its readOnlyMode "always"
            String table = Tables.of(database.settings()).event();
            assertThatThrownBy(() -> own.sessions().read("write through the read pool", session ->
                    session.doReturningWork(connection -> {
                        try (Statement statement = connection.createStatement()) {
                            return statement.executeUpdate("DELETE FROM " + table);
                        }
                    })))
                    .isInstanceOf(PermanentPortException.class)
                    .hasMessageContaining("cannot execute DELETE in a read-only transaction")
                    .hasMessageContaining("SQLState 25006");
            assertThat(readVersion(own.sessions(), aggregate)).isEqualTo(2);
        } finally {
            own.acquire();
            own.release();
        }
    }

    private static long readVersion(Sessions sessions, AggregateRef aggregate) {
        return sessions.read("read the version of " + aggregate,
                session -> HibernateEventLog.version(session, aggregate));
    }

    /** An aggregate with two events, appended through a transaction of the SessionFactory's. */
    private static AggregateRef appendedAggregate() {
        AggregateRef aggregate = AggregateRef.of("Product", "p-" + UUID.randomUUID());
        new HibernateEventLog(sessionFactory, database.settings()).append(aggregate, ExpectedVersion.NONE, List.of(
                event(), event()));
        return aggregate;
    }

    private static NewEvent event() {
        return new NewEvent(EventId.random(), EventName.of("PriceChanged"), Payload.json("{\"price\":1}"), Map.of(),
                Instant.parse("2030-01-01T00:00:00Z"));
    }
}
