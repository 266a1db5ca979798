package io.eventsource.adapter.mysql;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.LoggedEvent;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HibernateEventLogSmokeIT {
    private static TestDatabase database;
    private static SessionFactory sessionFactory;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        sessionFactory = database.open(database.settings());
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
    void appendsAndReadsBack() {
        HibernateEventLog log = new HibernateEventLog(sessionFactory, database.settings());
        AggregateRef product = AggregateRef.of("Product", "42");
        NewEvent created = new NewEvent(EventId.random(), EventName.of("ProductCreated"), Payload.json("{\"a\":1}"),
                Map.of("user", "ann \"x\""), Instant.parse("2026-01-02T03:04:05.123456Z"));
        List<LoggedEvent> logged = log.append(product, ExpectedVersion.NONE, List.of(created));
        assertThat(logged).hasSize(1);
        assertThat(log.read(product, 1, 10).get(0)).usingRecursiveComparison().isEqualTo(logged.get(0).event());
        assertThat(log.read(product, 1, 10)).containsExactly(logged.get(0).event());
        assertThat(log.version(product)).isEqualTo(1);
    }
}
