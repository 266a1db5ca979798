package io.eventsource.adapter.inmemory;

import io.eventsource.domain.Binding;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.CheckpointStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The checkpoints in a map: the highest position saved per binding. */
final class InMemoryCheckpointStore implements CheckpointStore {
    private final Map<Binding, Long> checkpoints = new ConcurrentHashMap<>();

    @Override
    public long load(Binding binding) {
        Objects.requireNonNull(binding, "binding");
        return checkpoints.getOrDefault(binding, 0L);
    }

    @Override
    public void save(Binding binding, long position) {
        Objects.requireNonNull(binding, "binding");
        CheckpointStore.requireValid(position);
        checkpoints.merge(binding, position, Math::max);
    }

    @Override
    public Map<Binding, Long> loadAll(ServiceName service) {
        Objects.requireNonNull(service, "service");
        Map<Binding, Long> found = new LinkedHashMap<>();
        checkpoints.forEach((binding, position) -> {
            if (binding.service().equals(service)) {
                found.put(binding, position);
            }
        });
        return Map.copyOf(found);
    }
}
