package io.eventsource.adapter.inmemory.composition;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.inmemory.InMemoryAckStoreModule;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryEventLogModule;
import io.eventsource.adapter.inmemory.InMemoryMessageBusModule;
import io.eventsource.adapter.inmemory.InMemoryModule;
import io.eventsource.adapter.inmemory.InMemoryServiceRegistryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.adapter.inmemory.VirtualTimeModule;
import io.eventsource.domain.Ack;
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
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each port's module composes alone, in a component outside the adapter's package as a user's would be: a
 * component that lists one module needs nothing the others provide (Dagger checks that when it compiles these
 * components), and the broker runs on whatever {@link Scheduler} the component binds.
 */
class InMemoryPortModulesTest {
    private static final ExpiryPolicy POLICY = ExpiryPolicy.seed().withQueueExpiry(Duration.ofSeconds(10));
    private static final AggregateRef PRODUCT_42 = AggregateRef.of("Product", "42");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Singleton
    @Component(modules = InMemoryEventLogModule.class)
    interface EventLogAlone {
        EventLog eventLog();
    }

    @Singleton
    @Component(modules = InMemoryAckStoreModule.class)
    interface AckStoreAlone {
        AckStore ackStore();
    }

    @Singleton
    @Component(modules = InMemoryServiceRegistryModule.class)
    interface ServiceRegistryAlone {
        ServiceRegistry serviceRegistry();

        @Component.Factory
        interface Factory {
            ServiceRegistryAlone create(@BindsInstance ExpiryPolicy policy);
        }
    }

    @Singleton
    @Component(modules = VirtualTimeModule.class)
    interface TimeAlone {
        Scheduler scheduler();

        VirtualScheduler virtualScheduler();
    }

    /** The broker without the virtual time module: the component brings its own scheduler. */
    @Singleton
    @Component(modules = InMemoryMessageBusModule.class)
    interface BusOnItsOwnScheduler {
        MessageBus messageBus();

        InMemoryBroker broker();

        @Component.Factory
        interface Factory {
            BusOnItsOwnScheduler create(@BindsInstance ExpiryPolicy policy, @BindsInstance Scheduler scheduler);
        }
    }

    /** A module listed both alone and through the module that includes it is one binding, not two. */
    @Singleton
    @Component(modules = {InMemoryModule.class, InMemoryEventLogModule.class, VirtualTimeModule.class})
    interface ListedTwice {
        EventLog eventLog();

        Scheduler scheduler();

        InMemoryBroker broker();

        @Component.Factory
        interface Factory {
            ListedTwice create(@BindsInstance ExpiryPolicy policy);
        }
    }

    @Test
    void theEventLogModuleAloneProvidesOneLog() {
        EventLogAlone component = DaggerInMemoryPortModulesTest_EventLogAlone.create();

        List<LoggedEvent> appended = component.eventLog().append(PRODUCT_42, ExpectedVersion.NONE, List.of(created()));

        assertThat(component.eventLog()).isSameAs(component.eventLog());
        assertThat(component.eventLog().read(PRODUCT_42, 1, 1)).containsExactly(appended.get(0).event());
    }

    @Test
    void theAckStoreModuleAloneProvidesOneStore() {
        AckStoreAlone component = DaggerInMemoryPortModulesTest_AckStoreAlone.create();
        LoggedEvent logged = InMemoryEventLogModule.eventLog().append(PRODUCT_42, ExpectedVersion.NONE, List.of(created())).get(0);
        Ack ack = Ack.ok(logged.event(), Binding.of("ads", "Product", "projections"), 1, T0);

        component.ackStore().record(List.of(ack)).toCompletableFuture().join();

        assertThat(component.ackStore()).isSameAs(component.ackStore());
        assertThat(component.ackStore().find(List.of(ack.key()))).containsEntry(ack.key(), ack);
    }

    @Test
    void theRegistryModuleAloneKeepsServicesLiveForThePolicysTtl() {
        ServiceRegistryAlone component = DaggerInMemoryPortModulesTest_ServiceRegistryAlone.factory()
                .create(ExpiryPolicy.seed().withLivenessTtl(Duration.ofSeconds(20)));
        ServiceRegistry registry = component.serviceRegistry();

        registry.heartbeat(List.of(Binding.of("ads", "Product", "projections")), T0);

        assertThat(component.serviceRegistry()).isSameAs(registry);
        assertThat(registry.liveServices(AggregateType.of("Product"), T0.plusSeconds(19))).containsExactly(ADS);
        assertThat(registry.liveServices(AggregateType.of("Product"), T0.plusSeconds(21))).isEmpty();
    }

    @Test
    void theTimeModuleAloneBindsOneVirtualClockAsTheScheduler() {
        TimeAlone component = DaggerInMemoryPortModulesTest_TimeAlone.create();

        component.virtualScheduler().advanceBy(Duration.ofMinutes(1));

        assertThat(component.scheduler()).isSameAs(component.virtualScheduler());
        assertThat(component.scheduler().instant()).isEqualTo(VirtualScheduler.DEFAULT_START.plusSeconds(60));
    }

    @Test
    void theBrokerRunsOnTheSchedulerTheComponentBinds() {
        VirtualScheduler own = new VirtualScheduler(T0);
        BusOnItsOwnScheduler component = DaggerInMemoryPortModulesTest_BusOnItsOwnScheduler.factory().create(POLICY, own);
        MessageBus bus = component.messageBus();

        bus.declareRoute(PRODUCT_42, Set.of(ADS));
        own.advanceBy(Duration.ofSeconds(9));
        boolean existsBeforeExpiry = component.broker().queueExists(queue());
        own.advanceBy(Duration.ofSeconds(1));

        assertThat(component.broker().scheduler()).isSameAs(own);
        assertThat(component.messageBus()).isSameAs(bus);
        assertThat(existsBeforeExpiry).isTrue();
        assertThat(component.broker().queueExists(queue())).as("expired by the policy on the component's scheduler")
                .isFalse();
    }

    @Test
    void aModuleListedAloneAndThroughInMemoryModuleIsBoundOnce() {
        ListedTwice component = DaggerInMemoryPortModulesTest_ListedTwice.factory().create(POLICY);

        assertThat(component.eventLog()).isSameAs(component.eventLog());
        assertThat(component.broker().scheduler()).isSameAs(component.scheduler());
    }

    @Test
    void theModulesFactoriesMakeAFreshPortOnEveryCall() {
        EventLog first = InMemoryEventLogModule.eventLog();
        first.append(PRODUCT_42, ExpectedVersion.NONE, List.of(created()));

        assertThat(InMemoryEventLogModule.eventLog().version(PRODUCT_42)).isZero();
        assertThat(InMemoryAckStoreModule.ackStore()).isNotSameAs(InMemoryAckStoreModule.ackStore());
        assertThat(InMemoryServiceRegistryModule.serviceRegistry(POLICY).bindings()).isEmpty();
        assertThat(first.version(PRODUCT_42)).isEqualTo(1);
    }

    private static NewEvent created() {
        return new NewEvent(EventId.random(), EventName.of("Created"), Payload.json("{}"), Map.of(), T0);
    }

    private static QueueName queue() {
        return Topology.of(Namespace.NONE).aggregateQueue(PRODUCT_42, ADS);
    }
}
