package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.Leases;
import io.eventsource.ports.ServiceRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The registry in memory: the registered bindings, and per aggregate type each service's last heartbeat. */
final class InMemoryServiceRegistry implements ServiceRegistry {
    private final ExpiryPolicy policy;
    private final Set<Binding> bindings = new LinkedHashSet<>();
    private final Map<AggregateType, Map<ServiceName, Instant>> heartbeats = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();

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

    private record Lease(String holder, Instant until) {
    }

    /** Forgets everything, as a restarted registry without persistence would. */
    synchronized void loseAllState() {
        bindings.clear();
        heartbeats.clear();
        leases.clear();
    }
}
