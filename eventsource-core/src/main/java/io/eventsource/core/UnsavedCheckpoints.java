package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.CheckpointStore;

import java.util.Map;
import java.util.Objects;

/**
 * The runtime's checkpoints when it was given no {@link CheckpointStore}: nothing is kept, every load is 0, so a
 * sweeper keeps its checkpoints in memory only and after a restart relies on its lookback.
 */
final class UnsavedCheckpoints implements CheckpointStore {
    static final CheckpointStore INSTANCE = new UnsavedCheckpoints();

    private UnsavedCheckpoints() {
    }

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
}
