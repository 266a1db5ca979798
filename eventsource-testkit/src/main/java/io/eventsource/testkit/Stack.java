package io.eventsource.testkit;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceBuilder;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The in-memory system of one test: the kit's component (the producer's runtime, the stores, the broker, the
 * clock) and the service instances the test started, each a runtime of its own on a connection of its own.
 */
final class Stack {
    /** The most reasons an unsettled report lists. */
    private static final int REPORTED = 10;

    private final KitComponent component;
    private final VirtualScheduler clock;
    private final InMemoryBroker broker;
    private final EventLog log;
    private final AckStore acks;
    private final ExpiryPolicy expiry;
    private final EventsourceOptions options;
    private final EventSerializer serializer;
    private final Eventsource producer;
    private final Topology topology = Topology.of(Namespace.NONE);
    private final List<ServiceInstance> instances = new ArrayList<>();
    private final Map<ServiceName, Integer> instanceCounts = new HashMap<>();

    /** {@code serializer}: null for a system that publishes and handles bytes only. */
    Stack(ExpiryPolicy expiry, EventsourceOptions options, EventSerializer serializer) {
        this.component = DaggerKitComponent.factory().create(expiry);
        this.clock = component.clock();
        this.broker = component.broker();
        this.log = component.eventLog();
        this.acks = component.ackStore();
        this.expiry = expiry;
        this.options = options;
        this.serializer = serializer;
        // the producer's runtime, and with it its broker connection, from the start: the system is whole before the
        // test looks inside it
        this.producer = runtime(component.bus(), clock);
    }

    /** The producer's runtime. */
    Eventsource producer() {
        return producer;
    }

    private Eventsource runtime(MessageBus connection, Scheduler scheduler) {
        EventsourceBuilder builder = Eventsource.builder().eventLog(log).ackStore(acks)
                .serviceRegistry(component.registry()).messageBus(connection).scheduler(scheduler).expiry(expiry)
                .options(options);
        if (serializer != null) {
            builder.serializer(serializer);
        }
        return builder.build();
    }

    KitComponent component() {
        return component;
    }

    /** A new instance of the service: a runtime of its own on the kit's stores, with its own connection and clock view. */
    synchronized ServiceInstance newInstance(ServiceName service) {
        int number = instanceCounts.merge(service, 1, Integer::sum);
        MessageBus connection = broker.connect();
        InstanceScheduler scheduler = new InstanceScheduler(clock);
        Eventsource runtime = runtime(connection, scheduler);
        ServiceInstance instance = new ServiceInstance(service + "#" + number, runtime, service, connection, scheduler,
                broker);
        instances.add(instance);
        return instance;
    }

    private synchronized List<ServiceInstance> instances() {
        return List.copyOf(instances);
    }

    synchronized Optional<ServiceInstance> instanceOf(Object listener) {
        return instances.stream().filter(instance -> instance == listener).findFirst();
    }

    /**
     * Moves the clock from one pending task to the next until nothing is in motion, at most {@code limit} of virtual
     * time.
     *
     * @throws AssertionError if it is still in motion after the limit, or a task failed on the clock meanwhile
     */
    void settle(Duration limit) {
        Instant deadline = clock.instant().plus(limit);
        int failuresBefore = clock.failures().size();
        while (true) {
            clock.runDueTasks();
            List<Throwable> failures = clock.failures();
            if (failures.size() > failuresBefore) {
                Throwable first = failures.get(failuresBefore);
                throw new AssertionError("a task failed on the virtual clock while settling (" + (failures.size()
                        - failuresBefore) + " in all): " + first, first);
            }
            List<String> unsettled = unsettled();
            if (unsettled.isEmpty()) {
                return;
            }
            Optional<Instant> next = clock.nextTaskAt();
            if (next.isEmpty() || next.get().isAfter(deadline)) {
                throw new AssertionError("not settled within " + limit + " of virtual time: " + report(unsettled)
                        + (next.isEmpty() ? "; nothing is scheduled that could change it" : ""));
            }
            clock.advanceTo(next.get());
        }
    }

    /**
     * What is still in motion: messages waiting in, or held from, a queue that has a consumer, and events that a
     * running binding is owed but has no ack for. An event counts as owed to a binding if it occurred at or after
     * its earliest running instance's start less the sweeper's lookback (what the sweeper would re-drive), unless
     * the binding is parked on its aggregate under the park policy (it waits for a replay, not for time).
     */
    List<String> unsettled() {
        List<String> reasons = new ArrayList<>();
        for (String queue : broker.queueNames()) {
            QueueName name = new QueueName(queue);
            int depth = broker.queueDepth(name);
            if (depth > 0 && broker.consumerCount(name) > 0) {
                reasons.add("queue " + queue + " holds " + depth + " message(s)");
            }
        }
        Map<Binding, Instant> owedFrom = new LinkedHashMap<>();
        for (ServiceInstance instance : instances()) {
            for (Binding binding : instance.runningBindings()) {
                owedFrom.merge(binding, instance.startedAt().minus(options.sweep().lookback()),
                        (one, other) -> one.isBefore(other) ? one : other);
            }
        }
        Map<AggregateType, List<Event>> byType = new HashMap<>();
        owedFrom.forEach((binding, from) -> unacked(binding, from,
                byType.computeIfAbsent(binding.type(), this::eventsOf), reasons));
        return reasons;
    }

    private void unacked(Binding binding, Instant from, List<Event> events, List<String> reasons) {
        Map<AckKey, Ack> found = acks.find(keys(events, event -> AckKey.of(event.id(), binding)));
        Map<AggregateRef, Ack> lastAck = new HashMap<>();
        Set<AggregateRef> parked = new HashSet<>();
        for (Event event : events) {
            AggregateRef aggregate = event.aggregate();
            Ack ack = found.get(AckKey.of(event.id(), binding));
            if (ack != null) {
                lastAck.put(aggregate, ack);
            } else if (!parked.contains(aggregate) && !event.occurredAt().isBefore(from)) {
                Ack last = lastAck.get(aggregate);
                if (options.failurePolicy().parks() && last != null && !last.isOk()) {
                    parked.add(aggregate);
                } else {
                    reasons.add(binding + " has no ack for " + event);
                }
            }
        }
    }

    /** The acks that exist for the events of the log, in log order, keyed as {@code key} says. */
    List<Ack> acksOf(List<Event> events, Function<Event, AckKey> key) {
        Map<AckKey, Ack> found = acks.find(keys(events, key));
        List<Ack> inLogOrder = new ArrayList<>();
        for (Event event : events) {
            Ack ack = found.get(key.apply(event));
            if (ack != null) {
                inLogOrder.add(ack);
            }
        }
        return inLogOrder;
    }

    /** Every event of the type, in log order. */
    List<Event> eventsOf(AggregateType type) {
        return read(LogQuery.all().ofType(type));
    }

    /** Every event of the log, in log order. */
    List<Event> allEvents() {
        return read(LogQuery.all());
    }

    boolean routeExists(AggregateRef aggregate, ServiceName service) {
        QueueName queue = topology.aggregateQueue(aggregate, service);
        return broker.queueExists(queue)
                && broker.boundQueues(topology.aggregateExchange(aggregate)).contains(queue.value());
    }

    /** Stops every runtime that is still up, gracefully, and lets the clock finish their work in progress. */
    void shutDown() {
        instances().forEach(ServiceInstance::shutDown);
        producer.stop();
        clock.advanceBy(Duration.ofSeconds(1));
    }

    private List<Event> read(LogQuery query) {
        List<Event> events = new ArrayList<>();
        LogQuery next = query;
        while (true) {
            LogPage page = log.read(next);
            for (LoggedEvent logged : page.events()) {
                events.add(logged.event());
            }
            if (!page.hasMore()) {
                return events;
            }
            next = query.after(page.lastPosition());
        }
    }

    private static List<AckKey> keys(List<Event> events, Function<Event, AckKey> key) {
        List<AckKey> keys = new ArrayList<>(events.size());
        for (Event event : events) {
            keys.add(key.apply(event));
        }
        return keys;
    }

    private static String report(List<String> reasons) {
        String listed = String.join("; ", reasons.subList(0, Math.min(REPORTED, reasons.size())));
        return reasons.size() > REPORTED ? listed + "; and " + (reasons.size() - REPORTED) + " more" : listed;
    }
}
