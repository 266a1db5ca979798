package io.eventsource.adapter.inmemory.composition;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.domain.PayloadTooLargeException;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.SnapshotStore;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A component outside the adapter's package, as a user's would be, composes the in-memory ports on one virtual clock, with the expiry policy it binds. */
class InMemoryModuleTest {

    @Singleton
    @Component(modules = InMemoryModule.class)
    interface InMemoryComponent {
        Scheduler scheduler();

        VirtualScheduler virtualScheduler();

        InMemoryBroker broker();

        MessageBus messageBus();

        EventLog eventLog();

        AckStore ackStore();

        ServiceRegistry serviceRegistry();

        SnapshotStore snapshotStore();

        @Component.Factory
        interface Factory {
            InMemoryComponent create(@BindsInstance ExpiryPolicy policy);
        }
    }

    @Test
    void bindsEveryPortOnOneVirtualClockWithTheComponentsPolicy() {
        ExpiryPolicy policy = ExpiryPolicy.SEED.withQueueExpiry(Duration.ofSeconds(10));
        InMemoryComponent component = DaggerInMemoryModuleTest_InMemoryComponent.factory().create(policy);

        assertThat(component.scheduler()).isSameAs(component.virtualScheduler()).isSameAs(component.broker().scheduler());
        assertThat(component.messageBus()).isSameAs(component.messageBus());
        assertThat(component.eventLog()).isSameAs(component.eventLog());
        assertThat(component.ackStore()).isSameAs(component.ackStore());
        assertThat(component.snapshotStore()).isSameAs(component.snapshotStore());
        assertThat(component.broker().expiryPolicy()).isSameAs(policy);

        AggregateRef product42 = AggregateRef.of("Product", "42");
        component.messageBus().declareRoute(product42, Set.of(ServiceName.of("ads")));
        component.virtualScheduler().advanceBy(Duration.ofSeconds(10));
        assertThat(component.broker().queueExists(Topology.of(Namespace.NONE).aggregateQueue(product42, ServiceName.of("ads"))))
                .as("the broker expires queues by the component's policy").isFalse();

        component.serviceRegistry().heartbeat(List.of(Binding.of("ads", "Product", "projections")),
                component.scheduler().instant());
        assertThat(component.serviceRegistry().liveServices(AggregateType.of("Product"), component.scheduler().instant()))
                .containsExactly(ServiceName.of("ads"));
    }

    @Singleton
    @Component(modules = InMemoryModule.class)
    interface LimitedComponent {
        EventLog eventLog();

        @Component.Factory
        interface Factory {
            LimitedComponent create(@BindsInstance ExpiryPolicy policy, @BindsInstance PayloadLimit limit);
        }
    }

    @Test
    void theEventLogRefusesPayloadsOverTheDefaultLimitOrTheOneTheComponentBinds() {
        EventLog byDefault = DaggerInMemoryModuleTest_InMemoryComponent.factory().create(ExpiryPolicy.SEED).eventLog();
        EventLog limited = DaggerInMemoryModuleTest_LimitedComponent.factory()
                .create(ExpiryPolicy.SEED, PayloadLimit.ofBytes(2 << 20)).eventLog();
        NewEvent twoMebibytes = new NewEvent(EventId.random(), EventName.of("Attached"),
                new Payload(new byte[2 << 20], "application/pdf"), Map.of(), java.time.Instant.EPOCH);
        AggregateRef product42 = AggregateRef.of("Product", "42");

        assertThatThrownBy(() -> byDefault.append(product42, ExpectedVersion.ANY, List.of(twoMebibytes)))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, refused ->
                        assertThat(refused.limit()).isEqualTo(PayloadLimit.DEFAULT_BYTES));
        assertThat(limited.append(product42, ExpectedVersion.ANY, List.of(twoMebibytes))).hasSize(1);
    }
}
