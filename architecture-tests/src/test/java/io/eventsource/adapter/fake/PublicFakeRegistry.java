package io.eventsource.adapter.fake;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.ServiceRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Breaks: an adapter's port implementation is package-private, reached through its Dagger module. */
public final class PublicFakeRegistry implements ServiceRegistry {
    @Override
    public void heartbeat(Collection<Binding> bindings, Instant at) {
    }

    @Override
    public Set<ServiceName> liveServices(AggregateType type, Instant now) {
        return Set.of();
    }

    @Override
    public Set<Binding> bindings() {
        return Set.of();
    }

    @Override
    public boolean holdLease(String lease, String holder, Instant now, Duration ttl) {
        return false;
    }

    @Override
    public AggregateTopology agreeTopology(AggregateType type, AggregateTopology proposed) {
        return proposed;
    }

    @Override
    public void instanceHeartbeat(AggregateType type, ServiceName service, String instance, Instant at) {
    }

    @Override
    public List<String> liveInstances(AggregateType type, ServiceName service, Instant now, Duration ttl) {
        return List.of();
    }

    @Override
    public void leave(AggregateType type, ServiceName service, String instance) {
    }
}
