package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Payload;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.ForwardingMessageBus;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulation: random publishes over many aggregates, one call at a time or in batches of calls (several
 * aggregates per batch, calls that conflict with an earlier call of their batch, the broker going down in the middle
 * of a batch's publish); three services with two instances each, every instance on its own connection to one
 * simulated broker; random instance crashes, graceful stops and restarts (also while a consumer holds messages behind
 * the one it handles, waiting for a handler's retry), broker outages, broker restarts that lose what the aggregate
 * queues held, and time jumps past the idle, expiry and liveness
 * durations; flaky handlers that fail their first attempt (retried by two services; parking the aggregate for the
 * third, whose failures are replayed at the end). All on the virtual clock, so a failing case replays exactly from
 * the seed jqwik prints.
 *
 * <p>No scenario is excluded and no aggregate gets help: events stranded with no later news of their aggregate
 * (left in a queue whose consumer died while no other instance consumed it, or published before the producer's
 * cache of live services saw a service back) are found by the sweeper. The simulation counts the aggregates it
 * put at risk of that, to show in the report that the generator reaches them.
 */
class DeliveryProperties {
    private static final AggregateType PRODUCT = AggregateType.of("Product");
    private static final List<ServiceName> SERVICES = List.of(ServiceName.of("products"), ServiceName.of("ads"),
            ServiceName.of("api-legacy"));
    /** ads keeps two projections, so that one delivery is dispatched to two bindings. */
    private static final Map<ServiceName, List<String>> PROJECTIONS = Map.of(SERVICES.get(0), List.of("projections"),
            SERVICES.get(1), List.of("projections", "search"), SERVICES.get(2), List.of("projections"));
    private static final int INSTANCES_PER_SERVICE = 2;
    /**
     * api-legacy parks an aggregate on a failure, after a single attempt: every flaky failure parks, and the
     * simulation replays its failures once traffic stops, as an operator would.
     */
    private static final ServiceName PARKING = SERVICES.get(2);
    private static final FailurePolicy PARK_AT_ONCE = FailurePolicy.park().withMaxAttempts(1);
    /** Replay rounds at most: a replay may fill a gap in which another flaky event fails and parks again. */
    private static final int MAX_REPLAY_ROUNDS = 200;
    private static final int AGGREGATES = 12;
    private static final Topology TOPOLOGY = Topology.of(Namespace.NONE);
    private static final AggregateTopology.Partitioned PARTITIONED = AggregateTopology.partitioned(4)
            .withQueueExpiry(Duration.ofMinutes(1));

    /**
     * The sweeper's lookback in the simulation: longer than any generated scenario (at most 70 steps of at most
     * 75 s), so that every event is owed to every binding whatever the restarts. With the default lookback, an
     * event stranded before every instance of a service was down for longer than the lookback would be left to
     * the next news of its aggregate (see {@link SweepPolicy}).
     */
    private static final Duration SWEEP_LOOKBACK = Duration.ofHours(2);
    /** Long enough after traffic stops for the sweeper's grace period, one interval and the re-drives. */
    private static final Duration SETTLE = SweepPolicy.defaults().gracePeriod()
            .plus(SweepPolicy.defaults().interval().multipliedBy(2));

    sealed interface Step {
    }

    /** The producer appends and publishes {@code count} events of aggregate {@code aggregate}. */
    record Publish(int aggregate, int count) implements Step {
    }

    /**
     * The producer calls {@code publishAsync} for each call, then the batch they gather into runs; if
     * {@code outageAfter} is 0 or more, the broker goes down once that many aggregates of the batch are published.
     */
    record PublishBatch(List<Call> calls, int outageAfter) implements Step {
    }

    /**
     * One call of a batch: {@code count} events of aggregate {@code aggregate}, expecting the version the log had
     * before the batch if {@code expectCurrent} (so that it conflicts with an earlier call of its batch on the same
     * aggregate), else any version.
     */
    record Call(int aggregate, int count, boolean expectCurrent) {
    }

    /** The instance's process dies: its connection drops, its runtime stops without any further work. */
    record Crash(int instance) implements Step {
    }

    /** The instance stops gracefully: the event in progress finishes, the messages its consumers hold go back. */
    record Stop(int instance) implements Step {
    }

    /** A crashed instance starts again: new connection, new runtime, same service and bindings. */
    record Restart(int instance) implements Step {
    }

    /** The virtual clock moves on, running everything that falls due. */
    record Advance(Duration by) implements Step {
    }

    /** The broker goes down (every call fails, every subscription ends) or comes back. */
    record Broker(boolean up) implements Step {
    }

    /**
     * The broker restarts at once: every subscription ends, and the messages of aggregate queues, which it keeps in
     * memory only, are lost (see {@link InMemoryBroker#restart()}).
     */
    record BrokerRestart() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> scenarios() {
        Arbitrary<Step> publish = Combinators.combine(Arbitraries.integers().between(0, AGGREGATES - 1),
                Arbitraries.integers().between(1, 3)).as(Publish::new);
        Arbitrary<Call> call = Combinators.combine(Arbitraries.integers().between(0, AGGREGATES - 1),
                Arbitraries.integers().between(1, 2), Arbitraries.of(false, false, true)).as(Call::new);
        Arbitrary<Step> batch = Combinators.combine(call.list().ofMinSize(2).ofMaxSize(6),
                Arbitraries.integers().between(-4, 5)).as((calls, outage) -> new PublishBatch(calls,
                outage < 0 ? -1 : Math.min(outage, calls.size() - 1)));
        Arbitrary<Step> crash = Arbitraries.integers().between(0, SERVICES.size() * INSTANCES_PER_SERVICE - 1).map(Crash::new);
        Arbitrary<Step> stop = Arbitraries.integers().between(0, SERVICES.size() * INSTANCES_PER_SERVICE - 1).map(Stop::new);
        Arbitrary<Step> restart = Arbitraries.integers().between(0, SERVICES.size() * INSTANCES_PER_SERVICE - 1).map(Restart::new);
        Arbitrary<Step> shortWait = Arbitraries.integers().between(0, 1500).map(ms -> new Advance(Duration.ofMillis(ms)));
        // past the 5 s idle timeout, the 30 s queue expiry and the 30 s liveness
        Arbitrary<Step> longWait = Arbitraries.integers().between(4, 75).map(s -> new Advance(Duration.ofSeconds(s)));
        Arbitrary<Step> broker = Arbitraries.of(true, false).map(Broker::new);
        Arbitrary<Step> brokerRestart = Arbitraries.just(new BrokerRestart());
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, publish),
                        net.jqwik.api.Tuple.of(3, batch),
                        net.jqwik.api.Tuple.of(3, crash),
                        net.jqwik.api.Tuple.of(1, stop),
                        net.jqwik.api.Tuple.of(3, restart),
                        net.jqwik.api.Tuple.of(6, shortWait),
                        net.jqwik.api.Tuple.of(2, longWait),
                        net.jqwik.api.Tuple.of(1, broker),
                        net.jqwik.api.Tuple.of(1, brokerRestart))
                .list().ofMinSize(1).ofMaxSize(70);
    }

    @Property(tries = 500)
    void everyBindingHandlesEveryEventOfEveryAggregateInOrderOnce(
            @ForAll("scenarios") List<Step> steps,
            @ForAll @IntRange(min = 0, max = 4) int flakiness) {
        check(new Simulation(flakiness, AggregateTopology.perAggregate()), steps);
    }

    /**
     * The same, with the type on four partitions: several aggregates share a partition, the partitions of a service
     * are shared by its two instances (and handed over as instances crash, stop and come back), and a partition
     * queue that no instance of its service consumed for its expiry (a minute) is gone, with what it held.
     */
    @Property(tries = 300)
    void everyBindingHandlesEveryEventOfEveryAggregateInOrderOnceOnPartitions(
            @ForAll("scenarios") List<Step> steps,
            @ForAll @IntRange(min = 0, max = 4) int flakiness) {
        check(new Simulation(flakiness, PARTITIONED), steps);
    }

    private static void check(Simulation simulation, List<Step> steps) {
        for (Step step : steps) {
            simulation.apply(step);
        }
        simulation.settle();

        Statistics.label("crashes").collect(steps.stream().filter(Crash.class::isInstance).count() > 0);
        Statistics.label("broker outages").collect(steps.stream().anyMatch(s -> s instanceof Broker b && !b.up()));
        Statistics.label("broker restarts").collect(steps.stream().anyMatch(BrokerRestart.class::isInstance));
        Statistics.label("batches of several aggregates").collect(simulation.batchesOfSeveralAggregates() > 0);
        Statistics.label("calls that conflicted within their batch").collect(simulation.conflicts() > 0);
        Statistics.label("broker outages in the middle of a batch").collect(simulation.outagesMidBatch() > 0);
        Statistics.label("crashes or stops while a consumer held messages behind the one in progress")
                .collect(simulation.stoppedWithMessagesHeld() > 0);
        Statistics.label("long waits").collect(steps.stream().anyMatch(s -> s instanceof Advance a
                && a.by().compareTo(Duration.ofSeconds(30)) > 0));
        Statistics.label("aggregates at risk of stranding, left to the sweeper").collect(simulation.stranded());
        Statistics.label("replay rounds of the parking service").collect(simulation.replayRounds());

        for (Binding binding : simulation.bindings()) {
            for (Map.Entry<AggregateRef, Long> aggregate : simulation.versions().entrySet()) {
                List<Long> expected = LongStream.rangeClosed(1, aggregate.getValue()).boxed().toList();
                assertThat(simulation.handled(binding, aggregate.getKey()))
                        .as("%s handled %s in order, each once", binding, aggregate.getKey())
                        .isEqualTo(expected);
            }
        }
        assertThat(simulation.unpublished()).as("events left unpublished in the log").isZero();
        assertThat(simulation.taskFailures()).as("exceptions that escaped to the scheduler").isEmpty();
    }

    @Example
    void replaysAScenarioExactly() {
        List<Step> steps = List.of(new Publish(0, 3), new Publish(1, 2), new Advance(Duration.ofMillis(300)),
                new Crash(2), new Publish(0, 2), new Broker(false), new Publish(1, 1), new Advance(Duration.ofSeconds(40)),
                new Broker(true), new Restart(2), new Crash(0), new Crash(1), new Publish(2, 3),
                new PublishBatch(List.of(new Call(3, 2, true), new Call(4, 1, false), new Call(3, 1, true)), 1),
                new Advance(Duration.ofMillis(150)), new Stop(4), new Advance(Duration.ofSeconds(45)), new Restart(1),
                new Restart(4));
        for (AggregateTopology topology : List.of(AggregateTopology.perAggregate(), PARTITIONED)) {
            List<String> first = run(steps, topology);
            List<String> second = run(steps, topology);

            assertThat(first).as("on %s", topology).isNotEmpty().isEqualTo(second);
        }
    }

    private static List<String> run(List<Step> steps, AggregateTopology topology) {
        Simulation simulation = new Simulation(2, topology);
        steps.forEach(simulation::apply);
        simulation.settle();
        return simulation.trace();
    }

    /** One broker, one set of stores, a producer and six service instances on one virtual clock. */
    static final class Simulation {
        private final InMemoryPorts ports = InMemoryPorts.create();
        private final VirtualScheduler clock = ports.scheduler();
        private final InMemoryBroker broker = ports.broker();
        private final Eventsource producer;
        private final Instance[] instances = new Instance[SERVICES.size() * INSTANCES_PER_SERVICE];
        private final int flakiness;
        private final AggregateTopology topology;
        private final Map<Binding, Map<AggregateRef, List<Long>>> handled = new LinkedHashMap<>();
        private final Set<String> failedOnce = new HashSet<>();
        private final List<String> trace = new ArrayList<>();
        private final Map<AggregateRef, Instant> lastPublishedAt = new TreeMap<>(Simulation::compare);
        private final Set<AggregateRef> atRisk = new TreeSet<>(Simulation::compare);
        private final Map<ServiceName, Instant> downUntil = new LinkedHashMap<>();
        private final OutageMidBatch producerBus;
        private boolean brokerUp = true;
        private int starts;
        private int nextEvent;
        private int replayRounds;
        private int batchesOfSeveralAggregates;
        private int conflicts;
        private int outagesMidBatch;
        private int stoppedWithMessagesHeld;

        Simulation(int flakiness, AggregateTopology topology) {
            this.flakiness = flakiness;
            this.topology = topology;
            // publish runs on the virtual clock's own thread here: no retry, which would wait for the clock that this
            // thread advances (PublishRecoveryTest drives retries through publishAsync)
            producerBus = new OutageMidBatch(broker.connect());
            producer = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), producerBus, clock,
                    ports.expiry(), EventsourceOptions.defaults().withPublishDeadline(Duration.ZERO)
                    .withTopology(PRODUCT, topology));
            for (int i = 0; i < instances.length; i++) {
                instances[i] = new Instance(SERVICES.get(i / INSTANCES_PER_SERVICE));
                instances[i].start();
            }
            clock.advanceBy(Duration.ofMillis(10));
        }

        void apply(Step step) {
            if (step instanceof Publish publish) {
                publish(publish.aggregate(), publish.count());
            } else if (step instanceof PublishBatch batch) {
                publishBatch(batch);
            } else if (step instanceof Crash crash) {
                Instance instance = instances[crash.instance()];
                if (instance.up) {
                    Set<AggregateRef> consumed = consumedQueues(List.of(instance.service));
                    noteMessagesHeld(instance.service);
                    instance.crash();
                    markStrandedAtRisk(consumed, List.of(instance.service));
                    noteServiceDown(instance.service);
                }
            } else if (step instanceof Stop stop) {
                Instance instance = instances[stop.instance()];
                if (instance.up) {
                    noteMessagesHeld(instance.service);
                    instance.stop();
                    noteServiceDown(instance.service);
                }
            } else if (step instanceof Restart restart) {
                Instance instance = instances[restart.instance()];
                if (!instance.up) {
                    instance.start();
                    noteServiceUp(instance.service);
                }
            } else if (step instanceof Advance advance) {
                clock.advanceBy(advance.by());
            } else if (step instanceof BrokerRestart) {
                if (brokerUp) {
                    broker.restart();
                }
            } else if (step instanceof Broker change) {
                if (brokerUp && !change.up()) {
                    stopBroker();
                } else if (!brokerUp && change.up()) {
                    broker.start();
                    brokerUp = true;
                }
            }
        }

        private void stopBroker() {
            Set<AggregateRef> consumed = consumedQueues(SERVICES);
            broker.stop();
            markStrandedAtRisk(consumed, SERVICES);
            brokerUp = false;
        }

        /** Traffic stops: everything comes back, time passes; nothing else is published. */
        void settle() {
            if (!brokerUp) {
                apply(new Broker(true));
            }
            for (int i = 0; i < instances.length; i++) {
                apply(new Restart(i));
            }
            for (long s = 0; s < SETTLE.toSeconds(); s++) {
                clock.advanceBy(Duration.ofSeconds(1));
            }
            replayFailuresOfTheParkingService();
        }

        /** Replays the parking service's failures until it has none, from one of its instances. */
        private void replayFailuresOfTheParkingService() {
            Instance replaying = null;
            for (Instance instance : instances) {
                if (instance.service.equals(PARKING) && replaying == null) {
                    replaying = instance;
                }
            }
            while (replayRounds < MAX_REPLAY_ROUNDS) {
                boolean any = false;
                for (ProjectionBinding binding : replaying.bindings) {
                    any |= !binding.replayFailures(10_000).isEmpty();
                }
                if (!any) {
                    return;
                }
                replayRounds++;
                for (int s = 0; s < 3; s++) {
                    clock.advanceBy(Duration.ofSeconds(1));
                }
            }
        }

        private void publish(int aggregate, int count) {
            publish(AggregateRef.of("Product", "p" + aggregate), count);
        }

        private void publish(AggregateRef aggregate, int count) {
            producer.publisher().publish(aggregate, ExpectedVersion.ANY, newEvents(count));
            lastPublishedAt.put(aggregate, clock.instant());
            noteAtRiskOfTheLiveServicesCache(aggregate);
        }

        private List<NewEvent> newEvents(int count) {
            List<NewEvent> events = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = nextEvent++;
                events.add(new NewEvent(EventId.of("e" + n), EventName.of(n % 3 == 0 ? "Created" : "Changed"),
                        Payload.text("event " + n), Map.of(), clock.instant()));
            }
            return events;
        }

        private void noteAtRiskOfTheLiveServicesCache(AggregateRef aggregate) {
            for (Instant backAt : downUntil.values()) {
                if (backAt != null && clock.instant().isBefore(backAt)) {
                    // published before the producer's cache of live services saw a service back
                    atRisk.add(aggregate);
                }
            }
        }

        /** Counts a crash or stop of an instance while a queue of its service held messages delivered and unsettled. */
        private void noteMessagesHeld(ServiceName service) {
            for (AggregateRef aggregate : lastPublishedAt.keySet()) {
                var queue = queueOf(aggregate, service);
                if (broker.consumerCount(queue) > 0 && broker.queueDepth(queue) - broker.readyMessages(queue) > 1) {
                    stoppedWithMessagesHeld++;
                    return;
                }
            }
        }

        /**
         * The calls, each with {@code publishAsync}, then the batch they gather into, on the clock's thread (as the
         * scheduler would run it); a call fails alone with a conflict exactly when it expects the version the log had
         * before the batch while an earlier call of the batch appended to its aggregate.
         */
        private void publishBatch(PublishBatch batch) {
            Map<AggregateRef, Long> before = new LinkedHashMap<>();
            Set<AggregateRef> appendedInBatch = new HashSet<>();
            List<CompletableFuture<Publication>> results = new ArrayList<>();
            List<Boolean> conflicting = new ArrayList<>();
            for (Call call : batch.calls()) {
                AggregateRef aggregate = AggregateRef.of("Product", "p" + call.aggregate());
                long version = before.computeIfAbsent(aggregate, a -> ports.eventLog().version(a));
                ExpectedVersion expected = !call.expectCurrent() ? ExpectedVersion.ANY
                        : version == 0 ? ExpectedVersion.NONE : ExpectedVersion.exactly(version);
                boolean conflicts = call.expectCurrent() && appendedInBatch.contains(aggregate);
                if (!conflicts) {
                    appendedInBatch.add(aggregate);
                }
                conflicting.add(conflicts);
                results.add(producer.publisher().publishAsync(aggregate, expected, newEvents(call.count()))
                        .toCompletableFuture());
                lastPublishedAt.put(aggregate, clock.instant());
                noteAtRiskOfTheLiveServicesCache(aggregate);
            }
            if (batch.outageAfter() >= 0 && brokerUp) {
                producerBus.goDownAfter(batch.outageAfter());
            }
            clock.runDueTasks();
            producerBus.goDownAfter(-1);
            if (appendedInBatch.size() > 1) {
                batchesOfSeveralAggregates++;
            }
            for (int i = 0; i < results.size(); i++) {
                CompletableFuture<Publication> result = results.get(i);
                assertThat(result).as("call %s of %s has run", i, batch).isDone();
                if (conflicting.get(i)) {
                    conflicts++;
                    assertThat(result).as("call %s of %s conflicts", i, batch).isCompletedExceptionally();
                    assertThat(result.handle((done, error) -> error instanceof CompletionException
                            ? error.getCause() : error).join()).isInstanceOf(ConcurrencyConflictException.class);
                } else {
                    assertThat(result).as("call %s of %s is not failed by its neighbours", i, batch)
                            .isCompletedWithValueMatching(publication -> publication != null);
                }
            }
        }

        /** The aggregates whose queue of one of these services has a consumer now. */
        private Set<AggregateRef> consumedQueues(List<ServiceName> services) {
            Set<AggregateRef> consumed = new TreeSet<>(Simulation::compare);
            for (AggregateRef aggregate : lastPublishedAt.keySet()) {
                for (ServiceName service : services) {
                    if (broker.consumerCount(queueOf(aggregate, service)) > 0) {
                        consumed.add(aggregate);
                    }
                }
            }
            return consumed;
        }

        /**
         * A stranded case: a queue that had a consumer, has none since the crash or outage, and
         * still holds messages (in flight or waiting): no announcement will come for them.
         */
        private void markStrandedAtRisk(Set<AggregateRef> consumedBefore, List<ServiceName> services) {
            for (AggregateRef aggregate : consumedBefore) {
                for (ServiceName service : services) {
                    var queue = queueOf(aggregate, service);
                    if (broker.consumerCount(queue) == 0 && broker.queueDepth(queue) > 0) {
                        atRisk.add(aggregate);
                    }
                }
            }
        }

        /** The queue of the service that carries the aggregate's events: its own, or its partition's. */
        private QueueName queueOf(AggregateRef aggregate, ServiceName service) {
            if (topology instanceof AggregateTopology.Partitioned partitioned) {
                return TOPOLOGY.partitionQueue(PRODUCT, partitioned.partitionOf(aggregate.id()), service);
            }
            return TOPOLOGY.aggregateQueue(aggregate, service);
        }

        private void noteServiceDown(ServiceName service) {
            if (instancesUp(service) == 0) {
                downUntil.put(service, null);
            }
        }

        private void noteServiceUp(ServiceName service) {
            if (downUntil.containsKey(service) && downUntil.get(service) == null) {
                // the producer's cache of live services may lag by its TTL
                downUntil.put(service, clock.instant().plus(EventsourceOptions.defaults().liveServicesCacheTtl()));
            }
        }

        private int instancesUp(ServiceName service) {
            int up = 0;
            for (Instance instance : instances) {
                if (instance.service.equals(service) && instance.up) {
                    up++;
                }
            }
            return up;
        }

        List<Binding> bindings() {
            List<Binding> all = new ArrayList<>();
            for (ServiceName service : SERVICES) {
                for (String projection : PROJECTIONS.get(service)) {
                    all.add(new Binding(service, PRODUCT, io.eventsource.domain.Projection.of(projection)));
                }
            }
            return all;
        }

        Map<AggregateRef, Long> versions() {
            Map<AggregateRef, Long> versions = new TreeMap<>(Simulation::compare);
            for (AggregateRef aggregate : lastPublishedAt.keySet()) {
                versions.put(aggregate, ports.eventLog().version(aggregate));
            }
            return versions;
        }

        List<Long> handled(Binding binding, AggregateRef aggregate) {
            return handled.getOrDefault(binding, Map.of()).getOrDefault(aggregate, List.of());
        }

        int unpublished() {
            return ports.eventLog().unpublished(clock.instant().plusSeconds(1), 10_000).size();
        }

        List<Throwable> taskFailures() {
            return clock.failures();
        }

        /** Every handling, with its virtual time, in the order it happened. */
        List<String> trace() {
            return trace;
        }

        int replayRounds() {
            return replayRounds;
        }

        int batchesOfSeveralAggregates() {
            return batchesOfSeveralAggregates;
        }

        int conflicts() {
            return conflicts;
        }

        int outagesMidBatch() {
            return outagesMidBatch;
        }

        int stoppedWithMessagesHeld() {
            return stoppedWithMessagesHeld;
        }

        /** How many aggregates the scenario put at risk of stranding with no later news. */
        int stranded() {
            return atRisk.size();
        }

        private synchronized void handle(Binding binding, Event event) {
            String key = binding + "/" + event.id();
            if (flakiness > 0 && Math.floorMod(key.hashCode(), 5) < flakiness && failedOnce.add(key)) {
                throw new IllegalStateException("flaky projection fails its first attempt at " + event);
            }
            handled.computeIfAbsent(binding, b -> new LinkedHashMap<>())
                    .computeIfAbsent(event.aggregate(), a -> new ArrayList<>())
                    .add(event.sequence());
            trace.add(clock.instant() + " " + binding + " " + event);
        }

        private static int compare(AggregateRef a, AggregateRef b) {
            return a.toString().compareTo(b.toString());
        }

        /** One process of a service: its own connection and runtime. */
        final class Instance {
            private final ServiceName service;
            private MessageBus connection;
            private Eventsource runtime;
            private final List<ProjectionBinding> bindings = new ArrayList<>();
            private boolean up;

            Instance(ServiceName service) {
                this.service = service;
            }

            void start() {
                connection = broker.connect();
                // small gap-fill passes, so that long gaps are filled over several redeliveries
                runtime = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), connection, clock,
                        ports.expiry(), EventsourceOptions.defaults().withMaxGapFill(2).withPublishDeadline(Duration.ZERO)
                                .withSweep(SweepPolicy.defaults().withLookback(SWEEP_LOOKBACK))
                                .withFailurePolicy(service.equals(PARKING) ? PARK_AT_ONCE : FailurePolicy.seed())
                                .withTopology(PRODUCT, topology));
                // names in start order: the partitions' shares depend on them, and a run must replay exactly
                int started = ++starts;
                runtime.instanceIds(() -> "i" + started);
                Listener listener = runtime.listener(service);
                bindings.clear();
                for (String projection : PROJECTIONS.get(service)) {
                    ProjectionBinding binding = listener.listen(PRODUCT, io.eventsource.domain.Projection.of(projection));
                    binding.onAny(event -> handle(binding.binding(), event));
                    bindings.add(binding);
                }
                listener.start();
                up = true;
            }

            void crash() {
                broker.crash(connection);
                runtime.stop();
                up = false;
            }

            /** Stops the runtime; it finishes on the clock (the event in progress may wait for a retry). */
            void stop() {
                runtime.stop();
                up = false;
            }
        }

        /** The producer's connection, which can take the broker down in the middle of a batch's publish. */
        final class OutageMidBatch extends ForwardingMessageBus {
            private int downAfter = -1;

            OutageMidBatch(MessageBus connection) {
                super(connection);
            }

            /** The next batch publishes this many aggregates, then the broker goes down; -1: no outage. */
            void goDownAfter(int aggregates) {
                downAfter = aggregates;
            }

            @Override
            public Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
                if (downAfter < 0) {
                    return super.publishAll(events);
                }
                Map<AggregateRef, List<Event>> first = new LinkedHashMap<>();
                for (Map.Entry<AggregateRef, List<Event>> entry : events.entrySet()) {
                    if (first.size() == downAfter) {
                        break;
                    }
                    first.put(entry.getKey(), entry.getValue());
                }
                downAfter = -1;
                if (!first.isEmpty()) {
                    super.publishAll(first);
                }
                outagesMidBatch++;
                stopBroker();
                throw new TransientPortException("the broker went down after " + first.size() + " of the "
                        + events.size() + " aggregates of a batch");
            }
        }
    }
}
