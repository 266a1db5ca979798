package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.Snapshot;
import io.eventsource.ports.SnapshotStore;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.ForwardingEventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading aggregates by replaying the log, saving them through the publisher, and snapshots that shorten the replay. */
class AggregateRepositoryTest {
    private static final AggregateRef ORDER_7 = AggregateRef.of("Order", "7");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final CountingLog log = new CountingLog(ports.eventLog());
    private final SnapshotStore snapshots = ports.snapshots();
    // publish runs on the virtual clock's own thread here: no retry that would wait for the clock this thread moves
    private final Eventsource runtime = new Eventsource(log, ports.ackStore(), ports.registry(), ports.broker().connect(),
            clock, ports.expiry(), EventsourceOptions.defaults().withPublishDeadline(Duration.ZERO));
    private final AggregateRepository<Order> orders = AggregateRepository.of(runtime, "Order", Order::initial,
            Order::apply);
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtime.stop();
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void loadsAnAggregateWithNoEventsAsTheInitialStateAtVersionZero() {
        Loaded<Order> loaded = orders.load("7");

        assertThat(loaded).isEqualTo(new Loaded<>(ORDER_7, Order.initial(), 0));
        assertThat(loaded.isNew()).isTrue();
    }

    @Test
    void loadFoldsEveryEventOfTheAggregateThroughApplyInSequenceOrder() {
        Publisher publisher = runtime.publisher();
        publisher.publish(ORDER_7, ExpectedVersion.NONE, List.of(event("ItemAdded"), event("ItemAdded")));
        publisher.publish(AggregateRef.of("Order", "8"), event("ItemAdded"));
        publisher.publish(ORDER_7, event("OrderPlaced"));
        publisher.publish(ORDER_7, paid(1299));

        Loaded<Order> loaded = orders.load("7");

        assertThat(loaded.state()).isEqualTo(new Order("paid", 2, 1299));
        assertThat(loaded.version()).isEqualTo(4);
        assertThat(loaded.isNew()).isFalse();
    }

    @Test
    void saveAppendsAtTheLoadedVersionRoutesTheEventsAndReturnsTheStateAfterThem() {
        List<String> billed = new CopyOnWriteArrayList<>();
        Listener billing = runtime.listener(ServiceName.of("billing"));
        billing.listen("Order", "invoices").onAny(e -> billed.add(e.name() + "#" + e.sequence()));
        billing.start();
        clock.advanceBy(Duration.ofMillis(100));

        Loaded<Order> placed = orders.save(orders.load("7"), List.of(event("ItemAdded"), event("OrderPlaced")));
        Loaded<Order> paid = orders.save(placed, EventName.of("OrderPaid"), Payload.text("1299"));
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(placed).isEqualTo(new Loaded<>(ORDER_7, new Order("placed", 1, 0), 2));
        assertThat(paid).isEqualTo(new Loaded<>(ORDER_7, new Order("paid", 1, 1299), 3));
        assertThat(orders.load("7")).isEqualTo(paid);
        assertThat(log.read(ORDER_7, 3, 3).get(0).occurredAt()).as("made here, on the runtime's clock")
                .isEqualTo(clock.instant().minusMillis(100));
        assertThat(billed).containsExactly("ItemAdded#1", "OrderPlaced#2", "OrderPaid#3");
    }

    @Test
    void aSaveOnAStaleLoadIsRefusedAsAConflictAndWritesNothing() {
        Loaded<Order> first = orders.load("7");
        Loaded<Order> second = orders.load("7");
        orders.save(first, List.of(event("ItemAdded")));

        assertThatThrownBy(() -> orders.save(second, List.of(event("OrderPlaced"))))
                .isInstanceOf(ConcurrencyConflictException.class)
                .hasMessageContaining("expected no events yet but the aggregate is at version 1; nothing was written");
        assertThat(orders.load("7")).isEqualTo(new Loaded<>(ORDER_7, new Order("new", 1, 0), 1));
    }

    @Test
    void savingNoEventsWritesNothingAndReturnsTheLoadedAggregate() {
        Loaded<Order> loaded = orders.load("7");

        assertThat(orders.save(loaded, List.of())).isSameAs(loaded);
        assertThat(log.version(ORDER_7)).isZero();
    }

    @Test
    void refusesToSaveAnAggregateOfAnotherType() {
        Loaded<Order> product = new Loaded<>(AggregateRef.of("Product", "7"), Order.initial(), 0);

        assertThatThrownBy(() -> orders.save(product, List.of(event("ItemAdded"))))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("this repository saves aggregates of type Order, got Product-7; save it with the repository"
                        + " of Product");
        assertThat(log.version(product.aggregate())).isZero();
    }

    @Test
    void readsALongHistoryInPages() {
        List<NewEvent> items = new ArrayList<>();
        for (int i = 0; i < 2 * AggregateRepository.READ_PAGE + 7; i++) {
            items.add(event("ItemAdded"));
        }
        runtime.publisher().publish(ORDER_7, ExpectedVersion.NONE, items);

        Loaded<Order> loaded = orders.load("7");

        assertThat(loaded.state().items()).isEqualTo(items.size());
        assertThat(loaded.version()).isEqualTo(items.size());
        assertThat(log.reads).isEqualTo(3);
    }

    @Test
    void writesASnapshotEachTimeASaveReachesOrPassesAMultipleOfTheInterval() {
        AggregateRepository<Order> snapshotting = orders.withSnapshots(snapshots, 3, Order::encode, Order::decode);
        List<Long> snapshotVersions = new ArrayList<>();

        Loaded<Order> order = snapshotting.load("7");
        for (int i = 0; i < 7; i++) {
            order = snapshotting.save(order, List.of(event("ItemAdded")));
            snapshots.latest(ORDER_7).ifPresent(snapshot -> snapshotVersions.add(snapshot.version()));
        }
        order = snapshotting.save(order, List.of(event("ItemAdded"), event("ItemAdded"), event("OrderPlaced")));

        assertThat(snapshotVersions).containsExactly(3L, 3L, 3L, 6L, 6L);
        assertThat(snapshots.latest(ORDER_7)).as("7 to 10 passed 9: the snapshot is of the state after the save")
                .contains(new Snapshot(ORDER_7, 10, Order.encode(new Order("placed", 9, 0))));
        assertThat(order.version()).isEqualTo(10);
    }

    @Test
    void aLoadStartsFromTheLatestSnapshotAndReadsOnlyTheEventsAfterIt() {
        AggregateRepository<Order> snapshotting = orders.withSnapshots(snapshots, 5, Order::encode, Order::decode);
        Loaded<Order> order = snapshotting.load("7");
        for (int i = 0; i < 12; i++) {
            order = snapshotting.save(order, List.of(i == 11 ? paid(500) : event("ItemAdded")));
        }

        log.eventsRead = 0;
        Loaded<Order> fromSnapshot = snapshotting.load("7");
        long readFromSnapshot = log.eventsRead;
        log.eventsRead = 0;
        Loaded<Order> fromTheStart = orders.load("7");

        assertThat(fromSnapshot).isEqualTo(fromTheStart).isEqualTo(new Loaded<>(ORDER_7, new Order("paid", 11, 500), 12));
        assertThat(readFromSnapshot).as("the events after the snapshot at 10").isEqualTo(2);
        assertThat(log.eventsRead).isEqualTo(12);
    }

    @Test
    void eventsTheApplyFunctionIgnoresStillCountTowardsTheVersionAndTheSnapshot() {
        AggregateRepository<Order> snapshotting = orders.withSnapshots(snapshots, 2, Order::encode, Order::decode);
        Loaded<Order> order = snapshotting.save(snapshotting.load("7"), List.of(event("ItemAdded")));
        order = snapshotting.save(order, List.of(event("NoteAdded")));
        order = snapshotting.save(order, List.of(event("NoteAdded")));

        log.eventsRead = 0;
        Loaded<Order> loaded = snapshotting.load("7");

        assertThat(snapshots.latest(ORDER_7)).contains(new Snapshot(ORDER_7, 2, Order.encode(new Order("new", 1, 0))));
        assertThat(loaded).isEqualTo(order).isEqualTo(new Loaded<>(ORDER_7, new Order("new", 1, 0), 3));
        assertThat(log.eventsRead).isEqualTo(1);
        assertThat(snapshotting.save(loaded, List.of(event("OrderPlaced"))).version()).as("no conflict").isEqualTo(4);
    }

    @Test
    void aSnapshotThatCannotBeDecodedIsIgnoredAndTheLogIsReplayed() {
        AggregateRepository<Order> snapshotting = orders.withSnapshots(snapshots, 2, Order::encode, Order::decode);
        snapshotting.save(snapshotting.load("7"), List.of(event("ItemAdded"), event("ItemAdded"), event("OrderPlaced")));
        // written by an earlier shape of the state
        snapshots.save(new Snapshot(ORDER_7, 3, new Payload("3 items".getBytes(StandardCharsets.UTF_8), "application/x-order-v0")));

        assertThat(snapshotting.load("7")).isEqualTo(new Loaded<>(ORDER_7, new Order("placed", 2, 0), 3));
    }

    @Test
    void aSnapshotAheadOfTheLogIsIgnoredAndTheLogIsReplayed() {
        AggregateRepository<Order> snapshotting = orders.withSnapshots(snapshots, 2, Order::encode, Order::decode);
        runtime.publisher().publish(ORDER_7, ExpectedVersion.NONE, List.of(event("ItemAdded"), event("OrderPlaced")));
        snapshots.save(new Snapshot(ORDER_7, 40, Order.encode(new Order("paid", 30, 999))));

        Loaded<Order> loaded = snapshotting.load("7");

        assertThat(loaded).isEqualTo(new Loaded<>(ORDER_7, new Order("placed", 1, 0), 2));
        assertThat(snapshotting.save(loaded, List.of(paid(10))).version()).as("saved at the log's version").isEqualTo(3);
    }

    @Test
    void aSnapshotStoreThatCannotBeReachedCostsAFullReplayButNeitherTheSaveNorTheLoad() {
        SnapshotStore down = new SnapshotStore() {
            @Override
            public Optional<Snapshot> latest(AggregateRef aggregate) {
                throw new TransientPortException("snapshot store unreachable");
            }

            @Override
            public void save(Snapshot snapshot) {
                throw new TransientPortException("snapshot store unreachable");
            }
        };
        AggregateRepository<Order> snapshotting = orders.withSnapshots(down, 1, Order::encode, Order::decode);

        Loaded<Order> saved = snapshotting.save(snapshotting.load("7"), List.of(event("ItemAdded"), event("OrderPlaced")));

        assertThat(saved.version()).isEqualTo(2);
        assertThat(snapshotting.load("7")).isEqualTo(saved);
    }

    @Test
    void refusesAnApplyFunctionThatReturnsNullNamingTheEvent() {
        AggregateRepository<Order> broken = AggregateRepository.of(runtime, "Order", Order::initial, (state, event) -> null);
        runtime.publisher().publish(ORDER_7, new NewEvent(EventId.of("e-1"), EventName.of("ItemAdded"), Payload.text(""),
                Map.of(), clock.instant()));

        assertThatThrownBy(() -> broken.load("7"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("the apply function of Order returned null for Event[Order-7#1 ItemAdded e-1]; return the"
                        + " state unchanged for an event it ignores");
    }

    @Test
    void refusesANullInitialStateAndSnapshotsOfFewerThanOneEvent() {
        AggregateRepository<Order> noInitial = AggregateRepository.of(runtime, "Order", () -> null, Order::apply);

        assertThatThrownBy(() -> noInitial.load("7"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("the initial state of Order is null (loading Order-7); give the state of an aggregate with"
                        + " no events");
        assertThatThrownBy(() -> orders.withSnapshots(snapshots, 0, Order::encode, Order::decode))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("snapshots are taken every 1 or more events, got every 0");
    }

    private NewEvent event(String name) {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of(name), Payload.text(""), Map.of(), clock.instant());
    }

    private NewEvent paid(long cents) {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of("OrderPaid"), Payload.text(Long.toString(cents)),
                Map.of(), clock.instant());
    }

    /** An order as a test keeps it: items added, placed, paid; notes do not change it. */
    record Order(String status, int items, long paid) {
        static final String CONTENT_TYPE = "application/x-order-v1";

        static Order initial() {
            return new Order("new", 0, 0);
        }

        Order apply(Event event) {
            switch (event.name().value()) {
                case "ItemAdded":
                    return new Order(status, items + 1, paid);
                case "OrderPlaced":
                    return new Order("placed", items, paid);
                case "OrderPaid":
                    return new Order("paid", items, paid + Long.parseLong(event.payload().asText()));
                default:
                    return this;
            }
        }

        static Payload encode(Order order) {
            String text = order.status + "," + order.items + "," + order.paid;
            return new Payload(text.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE);
        }

        static Order decode(Payload payload) {
            if (!payload.contentType().equals(CONTENT_TYPE)) {
                throw new IllegalArgumentException("not an order of " + CONTENT_TYPE + ": " + payload.contentType());
            }
            String[] parts = payload.asText().split(",");
            return new Order(parts[0], Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        }
    }

    /** Counts the reads of one aggregate's events and the events they return. */
    static final class CountingLog extends ForwardingEventLog {
        int reads;
        long eventsRead;

        CountingLog(EventLog delegate) {
            super(delegate);
        }

        @Override
        public List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
            List<Event> events = super.read(aggregate, fromSequence, toSequence);
            reads++;
            eventsRead += events.size();
            return events;
        }

        /** Every event of the aggregate, without counting the read. */
        List<Event> delegateRead(AggregateRef aggregate) {
            return delegate().read(aggregate, 1, Long.MAX_VALUE);
        }
    }
}
