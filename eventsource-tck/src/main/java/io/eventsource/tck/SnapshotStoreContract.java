package io.eventsource.tck;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Payload;
import io.eventsource.ports.Snapshot;
import io.eventsource.ports.SnapshotStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.eventsource.tck.Fixtures.freshAggregate;
import static io.eventsource.tck.Fixtures.freshType;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link SnapshotStore}: at most one snapshot per aggregate, the one with the highest version,
 * kept byte for byte with its content type; an older snapshot never replaces a newer one, also when writers race.
 * An adapter's test extends it and supplies a store. Every test uses fresh aggregates, so a store shared with
 * other tests works.
 */
public abstract class SnapshotStoreContract {
    private SnapshotStore store;
    private AggregateRef aggregate;

    /** The store under test, for one test; closed after it. */
    protected abstract SnapshotStore newSnapshotStore();

    @BeforeEach
    final void openStore() {
        store = newSnapshotStore();
        aggregate = freshAggregate(freshType());
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }

    /** The store under test. */
    protected final SnapshotStore store() {
        return store;
    }

    private Snapshot snapshot(AggregateRef of, long version) {
        return new Snapshot(of, version, Payload.json("{\"version\":" + version + "}"));
    }

    @Test
    void hasNoSnapshotOfAnAggregateNeverSaved() {
        assertThat(store.latest(aggregate)).isEmpty();
    }

    @Test
    void returnsTheSavedSnapshotByteForByteWithItsContentType() {
        byte[] bytes = {0, 1, (byte) 0xFF, 42, 0};
        Snapshot saved = new Snapshot(aggregate, 7, new Payload(bytes, "application/x-order+v2"));

        store.save(saved);

        assertThat(store.latest(aggregate)).contains(saved);
        assertThat(store.latest(aggregate).orElseThrow().state().bytes()).containsExactly(bytes);
    }

    @Test
    void keepsTheSnapshotWithTheHighestVersion() {
        store.save(snapshot(aggregate, 10));
        store.save(snapshot(aggregate, 20));
        store.save(snapshot(aggregate, 15));

        assertThat(store.latest(aggregate)).contains(snapshot(aggregate, 20));
    }

    @Test
    void replacesTheSnapshotAtTheSameVersion() {
        store.save(snapshot(aggregate, 10));
        Snapshot again = new Snapshot(aggregate, 10, Payload.text("re-encoded"));

        store.save(again);

        assertThat(store.latest(aggregate)).contains(again);
    }

    @Test
    void keepsTheSnapshotsOfAggregatesApart() {
        AggregateRef sibling = freshAggregate(aggregate.type());
        AggregateRef otherType = freshAggregate(freshType());
        store.save(snapshot(aggregate, 3));
        store.save(snapshot(sibling, 5));

        assertThat(store.latest(aggregate)).contains(snapshot(aggregate, 3));
        assertThat(store.latest(sibling)).contains(snapshot(sibling, 5));
        assertThat(store.latest(otherType)).isEmpty();
    }

    @Test
    void keepsTheHighestVersionWhenWritersRace() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<Void>> saves = new ArrayList<>();
            for (int i = 1; i <= writers * 10; i++) {
                long version = i;
                saves.add(() -> {
                    store.save(snapshot(aggregate, version));
                    return null;
                });
            }
            for (Future<Void> save : pool.invokeAll(saves)) {
                save.get();
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(store.latest(aggregate)).contains(snapshot(aggregate, writers * 10L));
    }
}
