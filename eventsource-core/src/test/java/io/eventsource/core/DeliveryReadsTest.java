package io.eventsource.core;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import io.eventsource.tck.ForwardingEventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reads a consumer makes of the ack store and the log, counted: a consumer that starts on an aggregate reads
 * every binding's position in one call and the acks of all the messages it holds in at most one more, whatever the
 * number of bindings and messages; then it decides from what it knows while it is the queue's active consumer.
 */
class DeliveryReadsTest {
    private static final AggregateType PRODUCT = AggregateType.of("Product");
    private static final AggregateTopology.Partitioned PARTITIONED = AggregateTopology.partitioned(1);
    private static final AggregateRef P1 = AggregateRef.of("Product", "1");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final List<String> PROJECTIONS = List.of("projections", "search", "audit");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final VirtualScheduler clock = ports.scheduler();
    private final CountingAckStore acks = new CountingAckStore(ports.ackStore());
    private final CountingLog log = new CountingLog(ports.eventLog());
    private final MessageBus producerBus = ports.broker().connect();
    private final List<Eventsource> runtimes = new ArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private int nextId;

    @AfterEach
    void noTaskFailed() {
        runtimes.forEach(Eventsource::stop);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(clock.failures()).as("exceptions escaping to the scheduler").isEmpty();
    }

    @Test
    void aNewConsumerOfThreeBindingsReadsTheirPositionsOnceForAllItsMessages() {
        Eventsource producer = producer();
        listen(FailurePolicy.seed());
        clock.advanceBy(Duration.ofMillis(10));
        reset();

        producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event(), event(), event()));
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(handled).hasSize(9);
        assertThat(acks.calls).as("ack store reads").containsExactly("lastSequences(3)");
        assertThat(log.calls).as("log reads").containsExactly("shared read(1..1)", "shared read(1..16)");
    }

    @Test
    void aNewConsumerChecksRedeliveredMessagesWithOneAckRead() {
        Eventsource producer = producer();
        listen(FailurePolicy.seed());
        clock.advanceBy(Duration.ofMillis(10));
        producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event(), event(), event()));
        // idle past the consumer's timeout: the next messages go to a new consumer that knows nothing yet
        clock.advanceBy(Duration.ofSeconds(6));
        handled.clear();
        reset();

        // copies of the three handled events (a relay that published them again), then news
        List<Event> handledBefore = ports.eventLog().read(P1, 1, 3);
        producerBus.publish(P1, handledBefore);
        producer.publisher().publish(P1, event());
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(handled).as("only the news is handled").hasSize(3).allMatch(line -> line.endsWith("#4"));
        assertThat(acks.calls).as("ack store reads").containsExactly("lastSequences(3)", "find(9)");
        assertThat(log.calls).as("log reads").containsExactly("shared read(1..1)", "shared read(1..16)");
    }

    @Test
    void underParkingANewConsumerLearnsWhichBindingsAreParkedWithTheSameReads() {
        Eventsource producer = producer();
        listen(FailurePolicy.park().withMaxAttempts(1));
        clock.advanceBy(Duration.ofMillis(10));
        producer.publisher().publish(P1, ExpectedVersion.ANY, List.of(event(), poison()));
        clock.advanceBy(Duration.ofSeconds(6));
        handled.clear();
        reset();

        producer.publisher().publish(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        producer.publisher().publish(P1, event());
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(handled).as("audit is parked on #2; the others go on")
                .containsExactly("projections:Product-1#3", "search:Product-1#3", "projections:Product-1#4",
                        "search:Product-1#4");
        assertThat(acks.calls).as("ack store reads: positions, then the acks there")
                .containsExactly("lastSequences(3)", "find(3)");
        assertThat(log.calls).as("log reads: the event at the bindings' position, once")
                .containsExactly("shared read(1..1)", "shared read(3..18)", "read(2..2)", "shared read(4..19)");
    }

    @Test
    void anActiveConsumerHandlesItsNextEventsWithoutReading() {
        Eventsource producer = producer();
        listen(FailurePolicy.seed());
        clock.advanceBy(Duration.ofMillis(10));
        producer.publisher().publish(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        reset();

        for (int i = 0; i < 5; i++) {
            producer.publisher().publish(P1, event());
            clock.advanceBy(Duration.ofMillis(100));
        }

        assertThat(handled).hasSize(18);
        assertThat(acks.calls).as("ack store reads").isEmpty();
        assertThat(log.calls).as("log reads: each message that comes alone is checked against the log")
                .containsExactly("shared read(2..17)", "shared read(3..18)", "shared read(4..19)", "shared read(5..20)",
                        "shared read(6..21)");
    }

    @Test
    void onAPartitionTheFirstEventOfAnAggregateAppendedOnceTheConsumerWasActiveNeedsNoPositionsRead() {
        Eventsource producer = producer(PARTITIONED);
        listen(FailurePolicy.seed(), PARTITIONED);
        clock.advanceBy(Duration.ofMillis(10));
        // the first delivery shows the consumer active; it then reads the log's newest position
        producer.publisher().publish(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(acks.calls).as("the first aggregate came before that read").containsExactly("lastSequences(3)");
        reset();

        for (int i = 2; i <= 4; i++) {
            producer.publisher().publish(AggregateRef.of("Product", Integer.toString(i)), event());
            clock.advanceBy(Duration.ofMillis(100));
        }
        producer.publisher().publish(P1, event());
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(handled).hasSize(15);
        assertThat(acks.calls).as("ack store reads: none, every new aggregate is fresh").isEmpty();
        assertThat(log.calls).as("log reads: each message is still checked against the log").hasSize(4);
    }

    @Test
    void onAPartitionACopyOfAFirstEventThatTheConsumerHandledAndForgotIsCheckedAgainstThePositions() {
        Eventsource producer = producer(PARTITIONED);
        listen(FailurePolicy.seed(), PARTITIONED);
        clock.advanceBy(Duration.ofMillis(10));
        producer.publisher().publish(AggregateRef.of("Product", "0"), event());
        clock.advanceBy(Duration.ofMillis(100));
        AggregateRef fresh = AggregateRef.of("Product", "fresh");
        producer.publisher().publish(fresh, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(handled).hasSize(6);
        // two idle checks: the consumer forgets the aggregates, then reads the newest position again
        clock.advanceBy(Duration.ofSeconds(11));
        handled.clear();
        reset();

        // a copy of the handled first event (a relay that published it again)
        producerBus.useTopology(fresh.type(), PARTITIONED);
        producerBus.publish(fresh, ports.eventLog().read(fresh, 1, 1));
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(handled).as("the copy is not handled again").isEmpty();
        assertThat(acks.calls).as("ack store reads: the positions, then the copy's acks")
                .containsExactly("lastSequences(3)", "find(3)");
    }

    @Test
    void onAPartitionAFirstEventAppendedBeforeTheConsumerWasActiveIsCheckedAgainstThePositions() {
        Eventsource producer = producer(PARTITIONED);
        Eventsource first = listen(FailurePolicy.seed(), PARTITIONED);
        clock.advanceBy(Duration.ofMillis(10));
        producer.publisher().publish(P1, event());
        clock.advanceBy(Duration.ofMillis(100));
        assertThat(handled).hasSize(3);
        first.stop();
        runtimes.remove(first);
        handled.clear();

        // the next consumer of the partition: active at its first delivery, a copy of what the first one handled
        listen(FailurePolicy.seed(), PARTITIONED);
        clock.advanceBy(Duration.ofMillis(10));
        producer.publisher().publish(AggregateRef.of("Product", "0"), event());
        clock.advanceBy(Duration.ofMillis(100));
        reset();
        producerBus.useTopology(P1.type(), PARTITIONED);
        producerBus.publish(P1, ports.eventLog().read(P1, 1, 1));
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(handled).as("only the other aggregate's event is handled").hasSize(3)
                .allMatch(line -> line.contains("Product-0#1"));
        assertThat(acks.calls).as("ack store reads: the positions, then the copy's acks")
                .containsExactly("lastSequences(3)", "find(3)");
    }

    private Eventsource producer() {
        return producer(AggregateTopology.perAggregate());
    }

    private Eventsource producer(AggregateTopology topology) {
        Eventsource producer = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), producerBus, clock,
                ports.expiry(), EventsourceOptions.defaults().withPublishDeadline(Duration.ZERO)
                        .withTopology(PRODUCT, topology));
        runtimes.add(producer);
        return producer;
    }

    private void listen(FailurePolicy failurePolicy) {
        listen(failurePolicy, AggregateTopology.perAggregate());
    }

    private Eventsource listen(FailurePolicy failurePolicy, AggregateTopology topology) {
        Eventsource runtime = new Eventsource(log, acks, ports.registry(), ports.broker().connect(), clock,
                ports.expiry(), EventsourceOptions.defaults().withPublishDeadline(Duration.ZERO)
                        .withSweep(SweepPolicy.disabled()).withFailurePolicy(failurePolicy)
                        .withTopology(PRODUCT, topology));
        runtimes.add(runtime);
        Listener listener = runtime.listener(ADS);
        for (String projection : PROJECTIONS) {
            listener.listen("Product", projection).onAny(event -> {
                if (projection.equals("audit") && event.name().value().equals("Poison")) {
                    throw new IllegalStateException("audit cannot take " + event);
                }
                handled.add(projection + ":" + event.aggregate() + "#" + event.sequence());
            });
        }
        listener.start();
        return runtime;
    }

    private void reset() {
        acks.calls.clear();
        log.calls.clear();
    }

    private NewEvent event() {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of("Changed"), Payload.text("x"), Map.of(),
                clock.instant());
    }

    /** An event that the audit projection fails on. */
    private NewEvent poison() {
        return new NewEvent(EventId.of("e-" + nextId++), EventName.of("Poison"), Payload.text("x"), Map.of(),
                clock.instant());
    }

    /** Counts the reads of the delivery path; writes and the sweeper's reads pass through uncounted. */
    private static final class CountingAckStore implements AckStore {
        private final AckStore store;
        private final List<String> calls = new CopyOnWriteArrayList<>();

        CountingAckStore(AckStore store) {
            this.store = store;
        }

        @Override
        public void forget(Binding binding, Collection<EventId> events) {
            store.forget(binding, events);
        }

        @Override
        public CompletionStage<Void> record(Collection<Ack> batch) {
            return store.record(batch);
        }

        @Override
        public Map<AckKey, Ack> find(Collection<AckKey> keys) {
            calls.add("find(" + keys.size() + ")");
            return store.find(keys);
        }

        @Override
        public long lastSequence(ServiceName service, Projection projection, AggregateRef aggregate) {
            calls.add("lastSequence");
            return store.lastSequence(service, projection, aggregate);
        }

        @Override
        public Map<Binding, Long> lastSequences(Collection<Binding> bindings, AggregateRef aggregate) {
            calls.add("lastSequences(" + bindings.size() + ")");
            return store.lastSequences(bindings, aggregate);
        }

        @Override
        public Set<EventId> acknowledged(ServiceName service, Projection projection, Collection<EventId> events) {
            return store.acknowledged(service, projection, events);
        }

        @Override
        public List<Ack> failures(ServiceName service, Projection projection, int limit) {
            return store.failures(service, projection, limit);
        }
    }

    /** Counts the per-aggregate reads of the log. */
    private static final class CountingLog extends ForwardingEventLog {
        private final List<String> calls = new CopyOnWriteArrayList<>();

        CountingLog(EventLog log) {
            super(log);
        }

        @Override
        public long version(AggregateRef aggregate) {
            calls.add("version");
            return super.version(aggregate);
        }

        @Override
        public List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
            calls.add("read(" + fromSequence + ".." + toSequence + ")");
            return super.read(aggregate, fromSequence, toSequence);
        }

        /** A read that the listener's consumers share: one query, whatever the number of ranges. */
        @Override
        public List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
            StringBuilder call = new StringBuilder("shared");
            ranges.forEach(range -> call.append(" read(").append(range.fromSequence()).append("..")
                    .append(range.toSequence()).append(')'));
            calls.add(call.toString());
            return super.readAllLogged(ranges);
        }
    }
}
