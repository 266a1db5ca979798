package io.eventsource.adapter.postgresql.composition;

import io.eventsource.adapter.postgresql.PostgreSqlSettings;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgreSqlModuleIT {
    /** The local server with trust authentication; a variable of the tests only, as in the adapter's other ITs. */
    private static final RealService POSTGRESQL = new RealService("PostgreSQL", "EVENTSOURCE_POSTGRESQL_URL",
            URI.create(PostgreSqlSettings.DEFAULT_JDBC_URL),
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
    private static final AggregateRef AGGREGATE = AggregateRef.of("Product", "1");

    private PostgreSqlSettings settings;
    private final List<AutoCloseable> ports = new ArrayList<>();

    @BeforeEach
    void aPrefixOfItsOwn() {
        URI located = POSTGRESQL.locate();
        String prefix = "es_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        settings = PostgreSqlSettings.defaults().withJdbcUrl(located.toString()).withTablePrefix(prefix).withPoolSize(2);
    }

    @AfterEach
    void closeAndDropTables() throws Exception {
        for (AutoCloseable port : ports) {
            port.close();
        }
        if (settings == null) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(),
                settings.password()); Statement statement = connection.createStatement()) {
            for (String table : List.of("event", "ack", "checkpoint", "replay", "log_head", "flyway_history")) {
                statement.execute("DROP TABLE IF EXISTS " + settings.tablePrefix() + table);
            }
        }
    }

    @Test
    void aComponentWiresBothPortsOnOneDatabaseWithTablesUnderItsPrefix() throws Exception {
        PostgreSqlComponent component = DaggerPostgreSqlComponent.factory().create(settings);
        EventLog log = opened(component.eventLog());
        AckStore acks = opened(component.ackStore());
        assertThat(component.eventLog()).isSameAs(log);
        assertThat(component.ackStore()).isSameAs(acks);

        bothPortsWorkOnOneDatabase(log, acks);
    }

    @Test
    void thePerPortModulesListedTogetherShareOneDatabase() throws Exception {
        PostgreSqlPortComponents.BothPorts component = DaggerPostgreSqlPortComponents_BothPorts.factory().create(settings);
        EventLog log = opened(component.eventLog());
        AckStore acks = opened(component.ackStore());
        assertThat(component.eventLog()).isSameAs(log);
        assertThat(component.ackStore()).isSameAs(acks);

        bothPortsWorkOnOneDatabase(log, acks);
    }

    @Test
    void theCheckpointStoreSharesTheDatabaseWhichClosesWithTheLogAndTheAckStore() {
        PostgreSqlComponent component = DaggerPostgreSqlComponent.factory().create(settings);
        EventLog log = component.eventLog();
        AckStore acks = component.ackStore();
        CheckpointStore checkpoints = component.checkpoints();
        Binding binding = Binding.of("ads", "Product", "projections");
        checkpoints.save(binding, 7);
        assertThat(checkpoints.load(binding)).isEqualTo(7);

        acks.close();
        log.close();

        assertThatThrownBy(() -> checkpoints.load(binding)).isInstanceOf(PermanentPortException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void theEventLogModuleComposesAlone() {
        EventLog log = opened(DaggerPostgreSqlPortComponents_EventLogAlone.factory().create(settings).eventLog());

        LoggedEvent logged = append(log);

        assertThat(log.read(AGGREGATE, 1, 1)).containsExactly(logged.event());
    }

    @Test
    void theAckStoreModuleComposesAlone() throws Exception {
        AckStore acks = opened(DaggerPostgreSqlPortComponents_AckStoreAlone.factory().create(settings).ackStore());
        Ack ack = ack(EventId.random());

        acks.record(List.of(ack)).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(acks.find(List.of(ack.key()))).containsEntry(ack.key(), ack);
    }

    private void bothPortsWorkOnOneDatabase(EventLog log, AckStore acks) throws Exception {
        LoggedEvent logged = append(log);
        Ack ack = ack(logged.event().id());
        acks.record(List.of(ack)).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(acks.find(List.of(ack.key()))).containsEntry(ack.key(), ack);
        assertThat(log.read(AGGREGATE, 1, 1)).containsExactly(logged.event());

        acks.close();
        // the ports share one pool, closed with the last of them: the log still reads
        assertThat(log.read(AGGREGATE, 1, 1)).containsExactly(logged.event());
    }

    private <T extends AutoCloseable> T opened(T port) {
        ports.add(port);
        return port;
    }

    private static LoggedEvent append(EventLog log) {
        return log.append(AGGREGATE, ExpectedVersion.NONE, List.of(new NewEvent(EventId.random(),
                EventName.of("Created"), Payload.json("{}"), Map.of(), Instant.now()))).get(0);
    }

    private static Ack ack(EventId event) {
        return new Ack(new AckKey(event, ServiceName.of("ads"), Projection.of("p")), AckStatus.OK, 1, "", AGGREGATE, 1,
                Instant.now());
    }
}
