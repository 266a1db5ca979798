package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;

import java.util.Optional;

/**
 * Where aggregates' {@link Snapshot snapshots} are kept: at most one per aggregate, the one with the highest
 * version. A snapshot is a cache of the event log, never the source of truth: losing one costs a longer replay,
 * nothing else.
 *
 * <p>Implementations are thread-safe.
 */
public interface SnapshotStore extends AutoCloseable {

    /**
     * The aggregate's snapshot with the highest version saved so far.
     *
     * @return the snapshot, or empty if none was saved
     * @throws PortException if the store cannot be reached
     */
    Optional<Snapshot> latest(AggregateRef aggregate);

    /**
     * Keeps the snapshot unless the store holds one of the aggregate at a higher version: a writer that comes late
     * with an older snapshot never moves the aggregate's snapshot back. One at the same version replaces the stored
     * one.
     *
     * @throws PortException if the store cannot be reached; the stored snapshot is then unchanged
     */
    void save(Snapshot snapshot);

    /** Releases resources. Never throws. */
    @Override
    default void close() {
    }
}
