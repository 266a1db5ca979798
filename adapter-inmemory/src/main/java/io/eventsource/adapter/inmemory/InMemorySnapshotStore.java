package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateRef;
import io.eventsource.ports.Snapshot;
import io.eventsource.ports.SnapshotStore;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The snapshots in memory: the highest version per aggregate, for as long as the process lives. */
final class InMemorySnapshotStore implements SnapshotStore {
    private final ConcurrentMap<AggregateRef, Snapshot> snapshots = new ConcurrentHashMap<>();

    @Override
    public Optional<Snapshot> latest(AggregateRef aggregate) {
        Objects.requireNonNull(aggregate, "aggregate");
        return Optional.ofNullable(snapshots.get(aggregate));
    }

    @Override
    public void save(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        snapshots.merge(snapshot.aggregate(), snapshot,
                (stored, offered) -> offered.version() >= stored.version() ? offered : stored);
    }
}
