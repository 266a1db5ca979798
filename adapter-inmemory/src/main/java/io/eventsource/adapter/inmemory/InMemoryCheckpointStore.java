package io.eventsource.adapter.inmemory;

import io.eventsource.domain.Binding;
import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.CheckpointStore;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The checkpoints in a map (the highest position saved per binding), and the replays' progress in another. */
final class InMemoryCheckpointStore implements CheckpointStore {
    private final Map<Binding, Long> checkpoints = new ConcurrentHashMap<>();
    private final Map<ReplayId, ReplayProgress> replays = new ConcurrentHashMap<>();

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

    @Override
    public void rewind(Binding binding, long position) {
        Objects.requireNonNull(binding, "binding");
        CheckpointStore.requireValid(position);
        checkpoints.computeIfPresent(binding, (b, stored) -> Math.min(stored, position));
    }

    @Override
    public void saveReplay(ReplayProgress progress) {
        Objects.requireNonNull(progress, "progress");
        replays.put(progress.id(), progress);
    }

    @Override
    public Optional<ReplayProgress> loadReplay(ReplayId id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(replays.get(id));
    }

    @Override
    public List<ReplayProgress> replays(ServiceName service) {
        Objects.requireNonNull(service, "service");
        return replays.values().stream().filter(progress -> progress.binding().service().equals(service))
                .sorted(Comparator.comparing(ReplayProgress::startedAt).thenComparing(p -> p.id().value()))
                .toList();
    }
}
