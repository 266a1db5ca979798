package io.eventsource.core.composition;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import io.eventsource.adapter.inmemory.InMemoryAckStoreModule;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryEventLogModule;
import io.eventsource.adapter.inmemory.InMemoryMessageBusModule;
import io.eventsource.adapter.inmemory.InMemoryServiceRegistryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.adapter.inmemory.VirtualTimeModule;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceModule;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import io.eventsource.tck.ForwardingEventLog;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory broker, registry, acks and virtual time composed with an event log of the user's own, as a user
 * outside the core's package would, both ways: a Dagger component that lists the per-port modules and binds its
 * own log, and {@link Eventsource#builder()}. Each publishes an event and delivers it end to end, through the
 * user's log.
 */
class ComposeOnePortAtATimeTest {
    private static final AggregateRef PRODUCT_42 = AggregateRef.of("Product", "42");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Projection PROJECTIONS = Projection.of("projections");

    private Eventsource runtime;
    private VirtualScheduler clock;

    /** The user's own event log: it keeps the events in memory underneath and counts what it is asked. */
    static final class CountingEventLog extends ForwardingEventLog {
        final AtomicInteger appendedEvents = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();

        CountingEventLog() {
            super(InMemoryEventLogModule.eventLog());
        }

        @Override
        public List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
            appendedEvents.addAndGet(events.size());
            return super.append(aggregate, expected, events);
        }

        @Override
        public List<AppendOutcome> appendAll(List<Append> appends) {
            appends.forEach(append -> appendedEvents.addAndGet(append.events().size()));
            return super.appendAll(appends);
        }

        @Override
        public List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
            reads.incrementAndGet();
            return super.read(aggregate, fromSequence, toSequence);
        }

        @Override
        public LogPage read(LogQuery query) {
            reads.incrementAndGet();
            return super.read(query);
        }

        @Override
        public List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
            reads.incrementAndGet();
            return super.readAllLogged(ranges);
        }

        /** What the log underneath holds for the aggregate, not counted. */
        List<Event> stored(AggregateRef aggregate) {
            return delegate().read(aggregate, 1, Long.MAX_VALUE);
        }
    }

    /** Binds the user's own event log, beside the in-memory modules of the other ports. */
    @Module
    abstract static class OwnEventLogModule {
        @Provides
        @Singleton
        static CountingEventLog countingEventLog() {
            return new CountingEventLog();
        }

        @Binds
        abstract EventLog eventLog(CountingEventLog log);
    }

    @Singleton
    @Component(modules = {EventsourceModule.class, InMemoryMessageBusModule.class, InMemoryServiceRegistryModule.class,
            InMemoryAckStoreModule.class, VirtualTimeModule.class, OwnEventLogModule.class})
    interface InMemoryBrokerWithOwnLog {
        Eventsource eventsource();

        CountingEventLog ownLog();

        AckStore ackStore();

        VirtualScheduler clock();

        InMemoryBroker broker();

        @Component.Factory
        interface Factory {
            InMemoryBrokerWithOwnLog create(@BindsInstance ExpiryPolicy expiry);
        }
    }

    @AfterEach
    void stopTheRuntime() {
        if (runtime != null) {
            runtime.stop();
            clock.advanceBy(Duration.ofSeconds(1));
            assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
        }
    }

    @Test
    void aComponentOfPerPortModulesDeliversThroughTheUsersOwnLog() {
        InMemoryBrokerWithOwnLog component = DaggerComposeOnePortAtATimeTest_InMemoryBrokerWithOwnLog.factory()
                .create(ExpiryPolicy.seed());
        runtime = component.eventsource();
        clock = component.clock();

        publishesAndDeliversThroughTheOwnLog(component.ownLog(), component.ackStore());
        assertThat(component.broker().scheduler()).as("the broker runs on the component's one clock").isSameAs(clock);
    }

    @Test
    void theBuilderDeliversThroughTheUsersOwnLog() {
        ExpiryPolicy expiry = ExpiryPolicy.seed();
        clock = new VirtualScheduler();
        InMemoryBroker broker = new InMemoryBroker(clock, expiry);
        CountingEventLog ownLog = new CountingEventLog();
        AckStore acks = InMemoryAckStoreModule.ackStore();
        runtime = Eventsource.builder()
                .eventLog(ownLog)
                .ackStore(acks)
                .messageBus(broker.connect())
                .serviceRegistry(InMemoryServiceRegistryModule.serviceRegistry(expiry))
                .scheduler(clock)
                .expiry(expiry)
                .options(EventsourceOptions.defaults())
                .build();

        publishesAndDeliversThroughTheOwnLog(ownLog, acks);
    }

    /** One listener, one event: published through the user's log, handled once, acked ok. */
    private void publishesAndDeliversThroughTheOwnLog(CountingEventLog ownLog, AckStore acks) {
        List<Event> handled = new CopyOnWriteArrayList<>();
        Listener ads = runtime.listener(ADS);
        ads.listen("Product", "projections").onAny(handled::add);
        ads.start();
        clock.advanceBy(Duration.ofMillis(100));
        int readsBeforeDelivery = ownLog.reads.get();

        runtime.publisher().publish(PRODUCT_42, EventName.of("PriceChanged"), Payload.json("{\"price\":1299}"));
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(ownLog.appendedEvents).as("events appended to the user's log").hasValue(1);
        assertThat(ownLog.stored(PRODUCT_42)).as("held by the user's log").hasSize(1);
        Event stored = ownLog.stored(PRODUCT_42).get(0);
        assertThat(handled).as("delivered to the handler").containsExactly(stored);
        assertThat(stored.payload()).isEqualTo(Payload.json("{\"price\":1299}"));
        assertThat(ownLog.reads.get()).as("the delivery was checked against the user's log")
                .isGreaterThan(readsBeforeDelivery);
        AckKey key = new AckKey(stored.id(), ADS, PROJECTIONS);
        assertThat(acks.find(List.of(key))).as("the ack of the binding").hasEntrySatisfying(key,
                ack -> assertThat(ack.status()).isEqualTo(AckStatus.OK));
    }
}
