package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.ServiceRegistry;

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

    /** Forgets everything, as a restarted registry without persistence would. */
    synchronized void loseAllState() {
        bindings.clear();
        heartbeats.clear();
    }
}
