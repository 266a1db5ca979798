package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.PartitionAssignment;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.Cancellable;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * A listener's consumers of the partition queues of its partitioned types, and how the partitions spread over the
 * service's instances. Every instance subscribes to every partition of its service, its own share first: the queue's
 * single active consumer lets one instance at a time consume a partition, and the others wait as standby consumers,
 * so that when an instance dies the broker hands its partitions to a standby at once. Which partitions are an
 * instance's share comes from the live instances in the registry ({@link PartitionAssignment}), read every heartbeat:
 * when the share changes, the instance hands over each partition it no longer owns (it finishes what it started,
 * cancels, and subscribes again at the back of the queue's line of consumers), and the partition's owner, waiting
 * first in line, becomes active. A delivery on a partition that is not this instance's share, while its owner should
 * be live, hands that partition over once per change of the live instances: with three or more instances the line may
 * first reach another non-owner, which passes it on the same way, and an instance whose heartbeat is still in the
 * registry after it died costs one hand-over before the partition stays here.
 *
 * <p>Thread-safe: heartbeats, bus callbacks, re-drives and timers all call in.
 */
final class PartitionConsumers {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionConsumers.class);
    /** How long after a lost subscription the partition is consumed again. */
    static final Duration RESUME_DELAY = AggregateConsumers.RESUME_DELAY;

    private final ServiceName service;
    private final String instance;
    private final MessageBus bus;
    private final ServiceRegistry registry;
    private final Dispatcher dispatcher;
    private final Scheduler scheduler;
    private final ExpiryPolicy expiry;
    private final Duration instanceTtl;
    private final BooleanSupplier stopping;
    private final Executor lanes;
    private final Map<AggregateType, Partitions> types = new LinkedHashMap<>();
    private Cancellable idleSweep;

    /**
     * @param instance this listener's name among the service's instances
     * @param stopping whether the listener is stopping: nothing more starts
     */
    PartitionConsumers(ServiceName service, String instance, MessageBus bus, ServiceRegistry registry,
                       Dispatcher dispatcher, Scheduler scheduler, ExpiryPolicy expiry, BooleanSupplier stopping) {
        this.service = service;
        this.instance = instance;
        this.bus = bus;
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.expiry = expiry;
        // three heartbeats missed: dead; never longer than a service's own liveness
        Duration threeBeats = expiry.heartbeatInterval().multipliedBy(3);
        this.instanceTtl = threeBeats.compareTo(expiry.livenessTtl()) < 0 ? threeBeats : expiry.livenessTtl();
        this.stopping = stopping;
        this.lanes = scheduler::execute;
    }

    /**
     * Starts consuming the type's partitions: declares the service's partition queues, records this instance, and
     * subscribes to every partition, its own share first. A broker or registry that cannot be reached now is tried
     * again every heartbeat ({@link #beat()}).
     */
    synchronized void start(AggregateType type, AggregateTopology.Partitioned topology) {
        Partitions partitions = new Partitions(type, topology);
        types.put(type, partitions);
        partitions.declare();
        partitions.refreshShare();
        partitions.subscribeMissing();
        if (idleSweep == null) {
            idleSweep = scheduler.scheduleAtFixedRate(expiry.consumerIdleTimeout(), expiry.consumerIdleTimeout(),
                    this::forgetIdle);
        }
    }

    /** Records this instance, follows changes of the live instances, and consumes again any partition it lost. */
    synchronized void beat() {
        if (stopping.getAsBoolean()) {
            return;
        }
        for (Partitions partitions : types.values()) {
            partitions.refreshShare();
            partitions.subscribeMissing();
        }
    }

    /** Whether the type is partitioned in this listener. */
    synchronized boolean consumes(AggregateType type) {
        return types.containsKey(type);
    }

    /** Whether the consumer of the aggregate's partition holds a message of it that waits to be tried again. */
    synchronized boolean isRetrying(AggregateRef aggregate) {
        Partitions partitions = types.get(aggregate.type());
        if (partitions == null) {
            return false;
        }
        PartitionConsumer consumer = partitions.consumers[partitions.topology.partitionOf(aggregate.id())];
        return consumer != null && consumer.isRetrying(aggregate);
    }

    /**
     * Whether the consumer of the aggregate's partition holds a message of it at or after {@code sequence} that its
     * lane has not started: see {@link AggregateConsumer#holdsFrom}.
     */
    synchronized boolean holdsFrom(AggregateRef aggregate, long sequence) {
        Partitions partitions = types.get(aggregate.type());
        if (partitions == null) {
            return false;
        }
        PartitionConsumer consumer = partitions.consumers[partitions.topology.partitionOf(aggregate.id())];
        return consumer != null && consumer.holdsFrom(aggregate, sequence);
    }

    /** How many aggregates the partition consumers keep a lane for. */
    synchronized int lanes() {
        int lanes = 0;
        for (Partitions partitions : types.values()) {
            for (PartitionConsumer consumer : partitions.consumers) {
                lanes += consumer == null ? 0 : consumer.lanes();
            }
        }
        return lanes;
    }

    /** The partitions of the type that are this instance's share now, ascending. */
    synchronized List<Integer> share(AggregateType type) {
        Partitions partitions = types.get(type);
        return partitions == null ? List.of() : partitions.share;
    }

    private synchronized void forgetIdle() {
        for (Partitions partitions : types.values()) {
            for (PartitionConsumer consumer : partitions.consumers) {
                if (consumer != null) {
                    consumer.forgetIdle();
                }
            }
        }
    }

    /**
     * Ends every partition subscription once the work in progress is done (queued deliveries return to their queue),
     * and takes this instance out of the registry, so that the others take its share at once.
     */
    CompletableFuture<Void> stop() {
        List<CompletableFuture<Void>> finishing = new ArrayList<>();
        List<AggregateType> left;
        synchronized (this) {
            if (idleSweep != null) {
                idleSweep.cancel();
            }
            for (Partitions partitions : types.values()) {
                for (PartitionConsumer consumer : partitions.consumers) {
                    if (consumer != null) {
                        finishing.add(consumer.handOff());
                    }
                }
            }
            left = List.copyOf(types.keySet());
        }
        for (AggregateType type : left) {
            try {
                registry.leave(type, service, instance);
            } catch (RuntimeException e) {
                LOG.debug("{} could not leave the instances of {}; its heartbeat runs out instead: {}", instance, type,
                        e.toString());
            }
        }
        return CompletableFuture.allOf(finishing.toArray(CompletableFuture[]::new));
    }

    /** One partitioned type: its consumers, this instance's share, and the hand-overs of the current share. */
    private final class Partitions implements PartitionConsumer.Keeper {
        final AggregateType type;
        final AggregateTopology.Partitioned topology;
        final PartitionConsumer[] consumers;
        /** Per partition, whether a delivery already handed it over since the share last changed. */
        final boolean[] handedOver;
        List<Integer> share = List.of();
        boolean declared;

        Partitions(AggregateType type, AggregateTopology.Partitioned topology) {
            this.type = type;
            this.topology = topology;
            this.consumers = new PartitionConsumer[topology.partitions()];
            this.handedOver = new boolean[topology.partitions()];
        }

        void declare() {
            try {
                bus.declarePartitions(type, service);
                declared = true;
            } catch (RuntimeException e) {
                LOG.warn("{} could not declare its partition queues of {}; trying again in {}: {}", service, type,
                        expiry.heartbeatInterval(), e.toString());
            }
        }

        /** Records this instance's heartbeat, reads the live instances, and hands over what is no longer its share. */
        void refreshShare() {
            List<String> live;
            try {
                registry.instanceHeartbeat(type, service, instance, scheduler.instant());
                live = registry.liveInstances(type, service, scheduler.instant(), instanceTtl);
            } catch (RuntimeException e) {
                LOG.warn("{} could not read the instances of {} from the registry; keeping its share of partitions"
                        + " {}: {}", instance, type, share, e.toString());
                if (share.isEmpty()) {
                    share = PartitionAssignment.of(topology.partitions(), List.of(), instance);
                }
                return;
            }
            List<Integer> next = PartitionAssignment.of(topology.partitions(), live, instance);
            if (next.equals(share)) {
                return;
            }
            boolean first = share.isEmpty();
            share = next;
            java.util.Arrays.fill(handedOver, false);
            if (!first) {
                LOG.info("{} consumes {} of the {} partitions of {} ({} live instance(s)): {}", instance, next.size(),
                        topology.partitions(), type, Math.max(1, live.size()), next);
            }
            for (int partition = 0; partition < consumers.length; partition++) {
                if (!share.contains(partition)) {
                    handOver(partition);
                }
            }
        }

        /** Subscribes to every partition it has no open consumer of, its own share first. */
        void subscribeMissing() {
            if (!declared) {
                declare();
            }
            for (int partition : share) {
                subscribeIfMissing(partition);
            }
            for (int partition = 0; partition < consumers.length; partition++) {
                subscribeIfMissing(partition);
            }
        }

        private void subscribeIfMissing(int partition) {
            PartitionConsumer current = consumers[partition];
            // a consumer handing over is still there until the bus says it ended: then ended() subscribes again
            if (stopping.getAsBoolean() || (current != null
                    && (current.isOpen() || (current.isHandingOff() && !current.hasEnded())))) {
                return;
            }
            PartitionConsumer consumer = new PartitionConsumer(type, partition,
                    service + "/" + type + "-p" + partition, dispatcher, scheduler, lanes, stopping, this, current);
            consumers[partition] = consumer;
            try {
                consumer.subscribed(bus.subscribePartition(type, partition, service, instance, consumer));
            } catch (PortException e) {
                consumer.cancel();
                // the queue expired (nobody consumed it for the topology's expiry) or the broker is out: declare
                // again at the next heartbeat; the sweeper brings from the log whatever an expired queue held
                declared = false;
                LOG.warn("{} could not consume partition {} of {}; trying again in {}: {}", service, partition, type,
                        expiry.heartbeatInterval(), e.toString());
            }
        }

        private void handOver(int partition) {
            PartitionConsumer consumer = consumers[partition];
            if (consumer == null || !consumer.isOpen() || consumer.isHandingOff()) {
                return;
            }
            handedOver[partition] = true;
            LOG.debug("{} hands partition {} of {} over to its owner", instance, partition, type);
            // once cancelled, ended() subscribes again: at the back of the line, behind the owner
            consumer.handOff();
        }

        @Override
        public boolean handsOver(PartitionConsumer consumer) {
            synchronized (PartitionConsumers.this) {
                int partition = consumer.partition();
                if (consumers[partition] != consumer || share.contains(partition) || handedOver[partition]) {
                    return false;
                }
                handOver(partition);
                return true;
            }
        }

        @Override
        public void ended(PartitionConsumer consumer, EndReason reason) {
            if (stopping.getAsBoolean()) {
                return;
            }
            int partition = consumer.partition();
            synchronized (PartitionConsumers.this) {
                if (consumers[partition] != consumer) {
                    return;
                }
                if (reason == EndReason.CANCELLED) {
                    // a hand-over: stand by behind the owner at once
                    subscribeIfMissing(partition);
                    return;
                }
                if (reason == EndReason.QUEUE_DELETED) {
                    declared = false;
                }
            }
            LOG.debug("{} lost its subscription to partition {} of {} ({}); consuming it again in {}", service,
                    partition, type, reason, RESUME_DELAY);
            scheduler.schedule(RESUME_DELAY, () -> {
                synchronized (PartitionConsumers.this) {
                    if (!declared) {
                        declare();
                    }
                    subscribeIfMissing(partition);
                }
            });
        }
    }
}
