package io.eventsource.adapter.mysql.composition;

import io.eventsource.adapter.mysql.MySqlSettings;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MySqlModuleIT {
    @Test
    void aComponentWiresBothPortsOnOneSessionFactoryWithTablesUnderItsPrefix() throws Exception {
        RealService.MYSQL.locate();
        String prefix = "es_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        MySqlSettings settings = MySqlSettings.fromEnvironment().withTablePrefix(prefix).withPoolSize(2);
        MySqlComponent component = DaggerMySqlComponent.factory().create(settings);
        try {
            EventLog log = component.eventLog();
            AckStore acks = component.ackStore();
            assertThat(component.eventLog()).isSameAs(log);
            assertThat(component.ackStore()).isSameAs(acks);

            AggregateRef aggregate = AggregateRef.of("Product", "1");
            LoggedEvent logged = log.append(aggregate, ExpectedVersion.NONE, List.of(new NewEvent(EventId.random(),
                    EventName.of("Created"), Payload.json("{}"), Map.of(), Instant.now()))).get(0);
            Ack ack = new Ack(new AckKey(logged.event().id(), ServiceName.of("ads"), Projection.of("p")), AckStatus.OK, 1, "",
                    aggregate, 1, Instant.now());
            acks.record(List.of(ack)).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(acks.find(List.of(ack.key()))).containsEntry(ack.key(), ack);
            assertThat(log.read(aggregate, 1, 1)).containsExactly(logged.event());
        } finally {
            component.ackStore().close();
            try (var session = component.sessionFactory().openStatelessSession()) {
                var transaction = session.beginTransaction();
                for (String table : List.of("event", "ack", "schema_version")) {
                    session.createNativeMutationQuery("DROP TABLE IF EXISTS " + prefix + table).executeUpdate();
                }
                transaction.commit();
            }
            component.sessionFactory().close();
        }
    }
}
