package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.CheckpointStore;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runtime's checkpoints when it was given no {@link CheckpointStore}: nothing is kept, every load is 0, so a
 * sweeper keeps its checkpoints in memory only and after a restart relies on its lookback. Replays' progress is kept in
 * this runtime's memory, so that it can be read while the runtime lives; a replay does not survive a crash of it.
 */
final class UnsavedCheckpoints implements CheckpointStore {
    private final Map<ReplayId, ReplayProgress> replays = new ConcurrentHashMap<>();

    @Override
    public long load(Binding binding) {
        Objects.requireNonNull(binding, "binding");
        return 0;
    }

    @Override
    public void save(Binding binding, long position) {
        Objects.requireNonNull(binding, "binding");
        CheckpointStore.requireValid(position);
    }

    @Override
    public Map<Binding, Long> loadAll(ServiceName service) {
        Objects.requireNonNull(service, "service");
        return Map.of();
    }

    @Override
    public void rewind(Binding binding, long position) {
        Objects.requireNonNull(binding, "binding");
        CheckpointStore.requireValid(position);
    }

    @Override
    public void saveReplay(ReplayProgress progress) {
        replays.put(progress.id(), progress);
    }

    @Override
    public Optional<ReplayProgress> loadReplay(ReplayId id) {
        return Optional.ofNullable(replays.get(Objects.requireNonNull(id, "id")));
    }

    @Override
    public List<ReplayProgress> replays(ServiceName service) {
        Objects.requireNonNull(service, "service");
        return replays.values().stream().filter(progress -> progress.binding().service().equals(service))
                .sorted(Comparator.comparing(ReplayProgress::startedAt)).toList();
    }
}
