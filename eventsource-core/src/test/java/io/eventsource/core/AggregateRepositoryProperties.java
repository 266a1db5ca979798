package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.AggregateRepositoryTest.CountingLog;
import io.eventsource.core.AggregateRepositoryTest.Order;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the history and the snapshot interval, a load is the fold of every event of the log from the initial
 * state, and snapshots only shorten the replay.
 */
class AggregateRepositoryProperties {
    private static final AggregateRef ORDER = AggregateRef.of("Order", "1");

    /**
     * A history saved in random batches, each on the aggregate as the previous save returned it or as loaded again;
     * {@code every} 0 means no snapshots.
     */
    @Property(tries = 300)
    void loadIsTheFoldOfEveryEventWhateverTheSnapshotInterval(@ForAll("histories") List<List<String>> batches,
                                                              @ForAll @IntRange(min = 0, max = 6) int every,
                                                              @ForAll("reloads") List<Boolean> reload) {
        InMemoryPorts ports = InMemoryPorts.create();
        VirtualScheduler clock = ports.scheduler();
        CountingLog log = new CountingLog(ports.eventLog());
        Eventsource runtime = new Eventsource(log, ports.ackStore(), ports.registry(), ports.broker().connect(), clock,
                ports.expiry(), EventsourceOptions.defaults().withPublishDeadline(Duration.ZERO));
        // a live service, so that each save is routed rather than left to the relay
        ports.registry().heartbeat(List.of(Binding.of("billing", "Order", "invoices")), clock.instant());
        AggregateRepository<Order> plain = AggregateRepository.of(runtime, "Order", Order::initial, Order::apply);
        AggregateRepository<Order> orders = every == 0 ? plain
                : plain.withSnapshots(ports.snapshots(), every, Order::encode, Order::decode);
        int nextId = 0;
        try {
            Loaded<Order> order = orders.load("1");
            for (int i = 0; i < batches.size(); i++) {
                List<NewEvent> events = new ArrayList<>();
                for (String name : batches.get(i)) {
                    events.add(new NewEvent(EventId.of("e-" + nextId++), EventName.of(name),
                            Payload.text(name.equals("OrderPaid") ? Integer.toString(nextId) : ""), Map.of(),
                            clock.instant()));
                }
                Loaded<Order> base = reload.get(i % reload.size()) ? orders.load("1") : order;
                order = orders.save(base, events);

                log.eventsRead = 0;
                Loaded<Order> loaded = orders.load("1");
                assertThat(loaded).isEqualTo(order).isEqualTo(foldOfTheLog(log));
                if (every > 0) {
                    assertThat(log.eventsRead).as("a load reads fewer events than the snapshot interval").isLessThan(every);
                }
            }
            Statistics.label("snapshots").collect(every == 0 ? "none" : "every " + every);
        } finally {
            runtime.stop();
            clock.advanceBy(Duration.ofSeconds(1));
        }
        assertThat(clock.failures()).isEmpty();
    }

    @Provide
    Arbitrary<List<List<String>>> histories() {
        Arbitrary<String> name = Arbitraries.of("ItemAdded", "OrderPlaced", "OrderPaid", "NoteAdded");
        return name.list().ofMinSize(0).ofMaxSize(5).list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Boolean>> reloads() {
        return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(12);
    }

    private static Loaded<Order> foldOfTheLog(CountingLog log) {
        Order state = Order.initial();
        long version = 0;
        for (Event event : log.delegateRead(ORDER)) {
            state = state.apply(event);
            version = event.sequence();
        }
        return new Loaded<>(ORDER, state, version);
    }
}
