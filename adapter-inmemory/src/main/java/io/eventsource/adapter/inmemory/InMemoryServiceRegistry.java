package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.Instances;
import io.eventsource.ports.Leases;
import io.eventsource.ports.ServiceRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry in memory: the registered bindings, per aggregate type each service's last heartbeat, the topology
 * recorded for each type, and per type and service each instance's last heartbeat.
 */
final class InMemoryServiceRegistry implements ServiceRegistry {
    private final ExpiryPolicy policy;
    private final Set<Binding> bindings = new LinkedHashSet<>();
    private final Map<AggregateType, Map<ServiceName, Instant>> heartbeats = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<AggregateType, AggregateTopology> topologies = new HashMap<>();
    private final Map<InstancesOf, Map<String, Instant>> instances = new HashMap<>();

    InMemoryServiceRegistry(ExpiryPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public synchronized void heartbeat(Collection<Binding> registering, Instant at) {
        Objects.requireNonNull(at, "at");
        for (Binding binding : registering) {
            bindings.add(binding);
            heartbeats.computeIfAbsent(binding.type(), type -> new HashMap<>())
                    .merge(binding.service(), at, (last, next) -> next.isAfter(last) ? next : last);
        }
    }

    @Override
    public synchronized Set<ServiceName> liveServices(AggregateType type, Instant now) {
        Set<ServiceName> live = new LinkedHashSet<>();
        heartbeats.getOrDefault(type, Map.of()).forEach((service, last) -> {
            if (now.isBefore(last.plus(policy.livenessTtl()))) {
                live.add(service);
            }
        });
        return live;
    }

    @Override
    public synchronized Set<Binding> bindings() {
        return Set.copyOf(bindings);
    }

    @Override
    public synchronized boolean holdLease(String lease, String holder, Instant now, Duration ttl) {
        Leases.check(lease, holder, ttl);
        Objects.requireNonNull(now, "now");
        Lease current = leases.get(lease);
        if (current != null && !current.holder().equals(holder) && now.isBefore(current.until())) {
            return false;
        }
        leases.put(lease, new Lease(holder, now.plus(ttl)));
        return true;
    }

    @Override
    public synchronized AggregateTopology agreeTopology(AggregateType type, AggregateTopology proposed) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(proposed, "proposed");
        return topologies.computeIfAbsent(type, first -> proposed);
    }

    @Override
    public synchronized void instanceHeartbeat(AggregateType type, ServiceName service, String instance, Instant at) {
        Instances.check(instance);
        Objects.requireNonNull(at, "at");
        instances.computeIfAbsent(new InstancesOf(type, service), key -> new TreeMap<>())
                .merge(instance, at, (last, next) -> next.isAfter(last) ? next : last);
    }

    @Override
    public synchronized List<String> liveInstances(AggregateType type, ServiceName service, Instant now,
                                                   Duration ttl) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(ttl, "ttl");
        // sorted, since the map is a TreeMap
        return instances.getOrDefault(new InstancesOf(type, service), Map.of()).entrySet().stream()
                .filter(beat -> now.isBefore(beat.getValue().plus(ttl)))
                .map(Map.Entry::getKey)
                .toList();
    }

    @Override
    public synchronized void leave(AggregateType type, ServiceName service, String instance) {
        Instances.check(instance);
        InstancesOf key = new InstancesOf(type, service);
        Map<String, Instant> beats = instances.get(key);
        if (beats != null) {
            beats.remove(instance);
            if (beats.isEmpty()) {
                instances.remove(key);
            }
        }
    }

    private record Lease(String holder, Instant until) {
    }

    private record InstancesOf(AggregateType type, ServiceName service) {
        InstancesOf {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(service, "service");
        }
    }

    /** Forgets everything, as a restarted registry without persistence would. */
    synchronized void loseAllState() {
        bindings.clear();
        heartbeats.clear();
        leases.clear();
        topologies.clear();
        instances.clear();
    }
}
