package io.eventsource.adapter.mysql.composition;

import io.eventsource.adapter.mysql.CountingDataSource;
import io.eventsource.adapter.mysql.MySqlModule;
import io.eventsource.adapter.mysql.MySqlPorts;
import io.eventsource.adapter.mysql.MySqlSettings;
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

class MySqlModuleIT {
    private static final AggregateRef AGGREGATE = AggregateRef.of("Product", "1");

    private MySqlSettings settings;
    private final List<AutoCloseable> ports = new ArrayList<>();

    @BeforeEach
    void aPrefixOfItsOwn() {
        RealService.MYSQL.locate();
        String prefix = "es_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        settings = MySqlSettings.fromEnvironment().withTablePrefix(prefix).withPoolSize(2);
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
            for (String table : List.of("event", "ack", "checkpoint", "replay", "flyway_history", "schema_version")) {
                statement.execute("DROP TABLE IF EXISTS " + settings.tablePrefix() + table);
            }
        }
    }

    @Test
    void aComponentWiresBothPortsOnOneDatabaseWithTablesUnderItsPrefix() throws Exception {
        MySqlComponent component = DaggerMySqlComponent.factory().create(settings);
        EventLog log = opened(component.eventLog());
        AckStore acks = opened(component.ackStore());
        assertThat(component.eventLog()).isSameAs(log);
        assertThat(component.ackStore()).isSameAs(acks);

        bothPortsWorkOnOneDatabase(log, acks);
    }

    @Test
    void thePerPortModulesListedTogetherShareOneDatabase() throws Exception {
        MySqlPortComponents.BothPorts component = DaggerMySqlPortComponents_BothPorts.factory().create(settings);
        EventLog log = opened(component.eventLog());
        AckStore acks = opened(component.ackStore());
        assertThat(component.eventLog()).isSameAs(log);
        assertThat(component.ackStore()).isSameAs(acks);

        bothPortsWorkOnOneDatabase(log, acks);
    }

    @Test
    void theCheckpointStoreSharesTheDatabaseWhichClosesWithTheLogAndTheAckStore() {
        MySqlComponent component = DaggerMySqlComponent.factory().create(settings);
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
        EventLog log = opened(DaggerMySqlPortComponents_EventLogAlone.factory().create(settings).eventLog());

        LoggedEvent logged = append(log);

        assertThat(log.read(AGGREGATE, 1, 1)).containsExactly(logged.event());
    }

    @Test
    void theAckStoreModuleComposesAlone() throws Exception {
        AckStore acks = opened(DaggerMySqlPortComponents_AckStoreAlone.factory().create(settings).ackStore());
        Ack ack = ack(EventId.random());

        acks.record(List.of(ack)).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(acks.find(List.of(ack.key()))).containsEntry(ack.key(), ack);
    }

    @Test
    void withoutDaggerTheModuleMakesThePortsOnOneDatabase() throws Exception {
        MySqlPorts mySql = opened(MySqlModule.ports(settings));

        bothPortsWorkOnOneDatabase(mySql.eventLog(), mySql.ackStore());
    }

    @Test
    void onTheApplicationsDataSourceThePortsMigrateUnderThePrefixAndReturnEveryConnection() throws Exception {
        CountingDataSource dataSource = new CountingDataSource(settings);
        // the settings' own URL must play no part: only the tables, the payload limit and the ack batching apply
        MySqlPorts mySql = MySqlModule.ports(settings.withJdbcUrl("jdbc:mysql://127.0.0.1:1/nowhere"), dataSource);
        LoggedEvent logged = append(mySql.eventLog());
        Ack ack = ack(logged.event().id());
        mySql.ackStore().record(List.of(ack)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Binding binding = Binding.of("ads", "Product", "p");
        mySql.checkpointStore().save(binding, 1);

        assertThat(mySql.ackStore().find(List.of(ack.key()))).containsEntry(ack.key(), ack);
        assertThat(mySql.checkpointStore().load(binding)).isEqualTo(1);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             java.sql.ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + settings.tablePrefix() + "event")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(1);
        }

        mySql.close();

        assertThat(dataSource.opened()).isGreaterThan(1);
        assertThat(dataSource.open()).as("connections not returned").isZero();
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
