package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ConsumerActivity;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExchangeUsage;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Payload;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.QueueUsage;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.Subscription;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For any sequence of declares, subscribes, cancels, crashes, publishes, settles and time steps, the simulated
 * broker matches, second by second, a reference model built from the domain's lifecycle rules
 * ({@link QueueUsage}, {@link ConsumerActivity}, {@link ExchangeUsage}) with the seed's 5 s / 30 s.
 */
class BrokerLifecycleProperties {
    private static final ExpiryPolicy POLICY = ExpiryPolicy.SEED;
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final List<AggregateRef> AGGREGATES = List.of(AggregateRef.of("Product", "1"), AggregateRef.of("Product", "2"));
    private static final List<ServiceName> SERVICES = List.of(ServiceName.of("ads"), ServiceName.of("search"));
    private static final Topology TOPOLOGY = Topology.of(Namespace.NONE);
    private static final int CONNECTIONS = 2;

    @Property(tries = 150)
    void aQueueExistsExactlyUntilItHasBeenUnusedForTheExpiry(@ForAll("scenarios") List<Action> scenario) {
        new Simulation().run(scenario, Aspect.QUEUES);
    }

    @Property(tries = 150)
    void aConsumerIsCancelledExactlyWhenIdleForTheIdleTimeout(@ForAll("scenarios") List<Action> scenario) {
        new Simulation().run(scenario, Aspect.CONSUMERS);
    }

    @Property(tries = 150)
    void anExchangeDisappearsExactlyWhenItsLastQueueDoes(@ForAll("scenarios") List<Action> scenario) {
        new Simulation().run(scenario, Aspect.EXCHANGES);
    }

    // ---- the scenarios ----

    sealed interface Action {
    }

    record Declare(int aggregate, Set<Integer> services) implements Action {
    }

    record Subscribe(int aggregate, int service, int connection) implements Action {
    }

    /** The service instance behind a connection dies; a new instance connects in its place. */
    record Crash(int connection) implements Action {
    }

    record Cancel(int consumer) implements Action {
    }

    record Publish(int aggregate, int count) implements Action {
    }

    record Settle(int consumer, boolean requeue) implements Action {
    }

    record Step(int seconds) implements Action {
    }

    @Provide
    Arbitrary<List<Action>> scenarios() {
        Arbitrary<Integer> aggregate = Arbitraries.integers().between(0, AGGREGATES.size() - 1);
        Arbitrary<Integer> service = Arbitraries.integers().between(0, SERVICES.size() - 1);
        Arbitrary<Integer> consumer = Arbitraries.integers().between(0, 7);
        Arbitrary<Action> declare = aggregate.flatMap(a -> service.set().ofMaxSize(SERVICES.size())
                .map(s -> (Action) new Declare(a, s)));
        Arbitrary<Integer> connection = Arbitraries.integers().between(0, CONNECTIONS - 1);
        Arbitrary<Action> subscribe = Combinators.combine(aggregate, service, connection).as(Subscribe::new);
        Arbitrary<Action> crash = connection.map(Crash::new);
        Arbitrary<Action> cancel = consumer.map(Cancel::new);
        Arbitrary<Action> publish = aggregate.flatMap(a -> Arbitraries.integers().between(1, 3).map(n -> (Action) new Publish(a, n)));
        Arbitrary<Action> settle = consumer.flatMap(c -> Arbitraries.of(false, true).map(r -> (Action) new Settle(c, r)));
        Arbitrary<Action> step = Arbitraries.integers().between(1, 12).map(Step::new);
        Arbitrary<Action> action = Arbitraries.frequencyOf(
                Tuple.of(3, declare), Tuple.of(3, subscribe), Tuple.of(1, cancel), Tuple.of(3, publish),
                Tuple.of(2, settle), Tuple.of(1, crash), Tuple.of(4, step));
        return action.list().ofMinSize(1).ofMaxSize(40);
    }

    // ---- the simulation: the broker under test and the reference model side by side ----

    enum Aspect { QUEUES, CONSUMERS, EXCHANGES }

    private static final class ModelQueue {
        private QueueUsage usage;
        private int ready;
        private final List<ModelConsumer> consumers = new ArrayList<>();

        private ModelQueue(QueueUsage usage) {
            this.usage = usage;
        }
    }

    private static final class ModelConsumer implements DeliveryListener {
        private final String queue;
        private final int connection;
        private final List<Delivery> pending = new CopyOnWriteArrayList<>();
        private final List<EndReason> endings = new CopyOnWriteArrayList<>();
        private Subscription subscription;
        private ConsumerActivity activity;
        private EndReason ended;

        private ModelConsumer(String queue, int connection, Instant now) {
            this.queue = queue;
            this.connection = connection;
            this.activity = ConsumerActivity.startedAt(now);
        }

        @Override
        public void onDelivery(Delivery delivery) {
            pending.add(delivery);
        }

        @Override
        public void onEnded(EndReason reason) {
            endings.add(reason);
        }
    }

    private static final class Simulation {
        private final VirtualScheduler scheduler = new VirtualScheduler();
        private final InMemoryBroker broker = new InMemoryBroker(scheduler, POLICY);
        private final MessageBus bus = broker.connect();
        private final MessageBus[] instances = {broker.connect(), broker.connect()};
        private final Map<String, ExchangeUsage> exchanges = new HashMap<>();
        private final Map<String, Set<String>> bindings = new HashMap<>();
        private final Map<String, ModelQueue> queues = new LinkedHashMap<>();
        private final List<ModelConsumer> consumers = new ArrayList<>();
        private long nextSequence = 1;

        void run(List<Action> scenario, Aspect aspect) {
            for (Action action : scenario) {
                apply(action);
                scheduler.runDueTasks();
                compare(aspect, action);
            }
            assertThat(scheduler.failures()).isEmpty();
        }

        private Instant now() {
            return scheduler.instant();
        }

        private void apply(Action action) {
            if (action instanceof Declare declare) {
                declare(declare);
            } else if (action instanceof Subscribe subscribe) {
                subscribe(subscribe);
            } else if (action instanceof Cancel cancel) {
                if (!consumers.isEmpty()) {
                    ModelConsumer consumer = consumers.get(cancel.consumer() % consumers.size());
                    consumer.subscription.cancel();
                    end(consumer, EndReason.CANCELLED);
                }
            } else if (action instanceof Crash crash) {
                broker.crash(instances[crash.connection()]);
                instances[crash.connection()] = broker.connect();
                for (ModelConsumer consumer : consumers) {
                    if (consumer.connection == crash.connection()) {
                        end(consumer, EndReason.CONNECTION_LOST);
                    }
                }
            } else if (action instanceof Publish publish) {
                publish(publish);
            } else if (action instanceof Settle settle) {
                settle(settle);
            } else if (action instanceof Step step) {
                for (int second = 0; second < step.seconds(); second++) {
                    scheduler.advanceBy(TICK);
                    tick();
                    compare(Aspect.QUEUES, step);
                    compare(Aspect.CONSUMERS, step);
                    compare(Aspect.EXCHANGES, step);
                }
            }
        }

        private void declare(Declare declare) {
            AggregateRef aggregate = AGGREGATES.get(declare.aggregate());
            Set<ServiceName> services = new LinkedHashSet<>();
            declare.services().forEach(index -> services.add(SERVICES.get(index)));
            bus.declareRoute(aggregate, services);

            String exchange = TOPOLOGY.aggregateExchange(aggregate).value();
            exchanges.putIfAbsent(exchange, ExchangeUsage.declared(true));
            for (ServiceName service : services) {
                String name = TOPOLOGY.aggregateQueue(aggregate, service).value();
                ModelQueue queue = queues.get(name);
                if (queue == null) {
                    queues.put(name, new ModelQueue(QueueUsage.declaredAt(now())));
                    exchanges.put(exchange, exchanges.get(exchange).queueBound());
                    bindings.computeIfAbsent(exchange, e -> new LinkedHashSet<>()).add(name);
                } else {
                    queue.usage = queue.usage.redeclared(now());
                }
            }
        }

        private void subscribe(Subscribe subscribe) {
            AggregateRef aggregate = AGGREGATES.get(subscribe.aggregate());
            ServiceName service = SERVICES.get(subscribe.service());
            String name = TOPOLOGY.aggregateQueue(aggregate, service).value();
            ModelConsumer consumer = new ModelConsumer(name, subscribe.connection(), now());
            MessageBus instance = instances[subscribe.connection()];
            ModelQueue queue = queues.get(name);
            if (queue == null) {
                try {
                    instance.subscribeAggregate(aggregate, service, consumer);
                    throw new AssertionError("subscribed to missing queue " + name);
                } catch (PortException expected) {
                    return;
                }
            }
            consumer.subscription = instance.subscribeAggregate(aggregate, service, consumer);
            consumers.add(consumer);
            queue.consumers.add(consumer);
            queue.usage = queue.usage.consumerAdded(now());
            pump(queue);
        }

        private void publish(Publish publish) {
            AggregateRef aggregate = AGGREGATES.get(publish.aggregate());
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < publish.count(); i++) {
                events.add(new Event(EventId.random(), aggregate, nextSequence++, EventName.of("Happened"),
                        Payload.text("x"), Map.of(), now()));
            }
            PublishResult result = bus.publish(aggregate, events);

            String exchange = TOPOLOGY.aggregateExchange(aggregate).value();
            if (!exchanges.containsKey(exchange)) {
                assertThat(result).isEqualTo(new PublishResult.ExchangeMissing(exchange));
            } else if (bindings.getOrDefault(exchange, Set.of()).isEmpty()) {
                assertThat(result).isEqualTo(new PublishResult.Unroutable(exchange));
            } else {
                assertThat(result).isEqualTo(new PublishResult.Routed());
                for (String name : bindings.get(exchange)) {
                    ModelQueue queue = queues.get(name);
                    queue.ready += publish.count();
                    pump(queue);
                }
            }
        }

        private void settle(Settle settle) {
            if (consumers.isEmpty()) {
                return;
            }
            ModelConsumer consumer = consumers.get(settle.consumer() % consumers.size());
            List<Delivery> settling = List.copyOf(consumer.pending);
            consumer.pending.clear();
            for (Delivery delivery : settling) {
                if (settle.requeue()) {
                    delivery.requeue();
                } else {
                    delivery.ack();
                }
            }
            if (consumer.ended != null || settling.isEmpty()) {
                return;
            }
            // a requeued message goes back to the head of the queue and straight back to its active consumer
            for (int i = 0; i < settling.size(); i++) {
                consumer.activity = consumer.activity.settled(now());
                if (settle.requeue()) {
                    consumer.activity = consumer.activity.received(now());
                }
            }
        }

        /** The single active consumer (the first) takes every waiting message. */
        private void pump(ModelQueue queue) {
            if (queue.consumers.isEmpty()) {
                return;
            }
            ModelConsumer active = queue.consumers.get(0);
            for (; queue.ready > 0; queue.ready--) {
                active.activity = active.activity.received(now());
            }
        }

        private void end(ModelConsumer consumer, EndReason reason) {
            if (consumer.ended != null) {
                return;
            }
            consumer.ended = reason;
            consumer.pending.clear();
            ModelQueue queue = queues.get(consumer.queue);
            if (queue != null) {
                queue.consumers.remove(consumer);
                queue.ready += consumer.activity.inFlight();
                queue.usage = queue.usage.consumerRemoved(now());
                pump(queue);
            }
        }

        /** What the rules say happens at this instant: idle consumers go, then unused queues, then lone exchanges. */
        private void tick() {
            for (ModelConsumer consumer : consumers) {
                if (consumer.ended == null && consumer.activity.isIdle(now(), POLICY.consumerIdleTimeout())) {
                    end(consumer, EndReason.IDLE);
                }
            }
            for (var entry : List.copyOf(queues.entrySet())) {
                if (entry.getValue().usage.isExpired(now(), POLICY.queueExpiry())) {
                    queues.remove(entry.getKey());
                    for (var binding : bindings.entrySet()) {
                        if (binding.getValue().remove(entry.getKey())) {
                            ExchangeUsage usage = exchanges.get(binding.getKey()).queueUnbound();
                            exchanges.put(binding.getKey(), usage);
                            if (usage.deletedAfterUnbind()) {
                                exchanges.remove(binding.getKey());
                            }
                        }
                    }
                }
            }
        }

        private void compare(Aspect aspect, Action after) {
            String when = "at " + now() + " after " + after;
            if (aspect == Aspect.QUEUES) {
                for (AggregateRef aggregate : AGGREGATES) {
                    for (ServiceName service : SERVICES) {
                        var name = TOPOLOGY.aggregateQueue(aggregate, service);
                        ModelQueue queue = queues.get(name.value());
                        assertThat(broker.queueExists(name)).as("%s exists %s", name, when).isEqualTo(queue != null);
                        int depth = queue == null ? 0 : queue.ready
                                + queue.consumers.stream().mapToInt(c -> c.activity.inFlight()).sum();
                        assertThat(broker.queueDepth(name)).as("%s depth %s", name, when).isEqualTo(depth);
                    }
                }
            } else if (aspect == Aspect.CONSUMERS) {
                for (int i = 0; i < consumers.size(); i++) {
                    ModelConsumer consumer = consumers.get(i);
                    assertThat(consumer.subscription.isOpen()).as("consumer %d of %s open %s", i, consumer.queue, when)
                            .isEqualTo(consumer.ended == null);
                    assertThat(consumer.endings).as("consumer %d of %s endings %s", i, consumer.queue, when)
                            .isEqualTo(consumer.ended == null ? List.of() : List.of(consumer.ended));
                }
                for (var entry : queues.entrySet()) {
                    assertThat(broker.consumerCount(new QueueName(entry.getKey())))
                            .as("consumers of %s %s", entry.getKey(), when).isEqualTo(entry.getValue().consumers.size());
                }
            } else {
                for (AggregateRef aggregate : AGGREGATES) {
                    var name = TOPOLOGY.aggregateExchange(aggregate);
                    assertThat(broker.exchangeExists(name)).as("%s exists %s", name, when)
                            .isEqualTo(exchanges.containsKey(name.value()));
                    assertThat(broker.boundQueues(name)).as("%s bindings %s", name, when)
                            .containsExactlyInAnyOrderElementsOf(bindings.getOrDefault(name.value(), Set.of()));
                }
            }
        }
    }
}
