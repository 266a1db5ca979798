package io.eventsource.tck;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.Binding;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ReplayRequest;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.CheckpointStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.eventsource.tck.Fixtures.freshService;
import static io.eventsource.tck.Fixtures.freshType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link CheckpointStore}: one checkpoint per binding (service, aggregate type, projection), 0 until
 * one is saved, never moved back by a lower position, also when writers race, only by a rewind; and the replays'
 * progress, stored and read back whole. An adapter's test extends it and
 * supplies a store. Every test uses fresh services and types, so a store shared with other tests works.
 */
public abstract class CheckpointStoreContract {
    private CheckpointStore store;
    private ServiceName service;
    private Binding binding;

    /** The store under test, for one test; closed after it. */
    protected abstract CheckpointStore newCheckpointStore();

    @BeforeEach
    final void openStore() {
        store = newCheckpointStore();
        service = freshService();
        binding = new Binding(service, freshType(), Projection.of("default"));
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }

    /** The store under test. */
    protected final CheckpointStore store() {
        return store;
    }

    @Test
    void loadsZeroForABindingNeverSaved() {
        assertThat(store.load(binding)).isZero();
        assertThat(store.loadAll(service)).isEmpty();
    }

    @Test
    void loadsTheSavedPosition() {
        store.save(binding, 42);

        assertThat(store.load(binding)).isEqualTo(42);
    }

    @Test
    void keepsTheHighestPositionSaved() {
        store.save(binding, 10);
        store.save(binding, 30);
        store.save(binding, 20);
        store.save(binding, 0);

        assertThat(store.load(binding)).isEqualTo(30);
    }

    @Test
    void keepsEachBindingApart() {
        Binding otherProjection = new Binding(service, binding.type(), Projection.of("search"));
        Binding otherType = new Binding(service, freshType(), binding.projection());
        Binding otherService = new Binding(freshService(), binding.type(), binding.projection());

        store.save(binding, 5);
        store.save(otherProjection, 6);
        store.save(otherType, 7);
        store.save(otherService, 8);

        assertThat(store.load(binding)).isEqualTo(5);
        assertThat(store.load(otherProjection)).isEqualTo(6);
        assertThat(store.load(otherType)).isEqualTo(7);
        assertThat(store.load(otherService)).isEqualTo(8);
    }

    @Test
    void loadsEveryCheckpointOfOneServiceAndNoneOfAnother() {
        Binding search = new Binding(service, binding.type(), Projection.of("search"));
        Binding otherService = new Binding(freshService(), binding.type(), binding.projection());
        store.save(binding, 11);
        store.save(search, 12);
        store.save(otherService, 13);

        assertThat(store.loadAll(service)).isEqualTo(Map.of(binding, 11L, search, 12L));
    }

    @Test
    void refusesANegativePositionAndKeepsTheStoredOne() {
        store.save(binding, 3);

        assertThatThrownBy(() -> store.save(binding, -1))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("-1");
        assertThat(store.load(binding)).isEqualTo(3);
    }

    @Test
    void keepsTheHighestPositionWhenWritersRace() throws Exception {
        int writers = 4;
        int perWriter = 50;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                tasks.add(() -> {
                    // interleaved and out of order: writer w saves w+1, w+1+writers, ... in reverse
                    for (int i = perWriter - 1; i >= 0; i--) {
                        store.save(binding, 1 + writer + (long) i * writers);
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(tasks)) {
                done.get();
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(store.load(binding)).isEqualTo((long) writers * perWriter);
    }

    @Test
    void rewindsACheckpointAboveThePositionOnly() {
        Binding other = new Binding(service, binding.type(), Projection.of("other"));
        store.save(binding, 40);
        store.save(other, 10);

        store.rewind(binding, 25);
        store.rewind(other, 25);
        store.rewind(new Binding(service, binding.type(), Projection.of("never")), 5);

        assertThat(store.load(binding)).isEqualTo(25);
        assertThat(store.load(other)).as("at or below the position: kept").isEqualTo(10);
        assertThat(store.loadAll(service)).containsOnlyKeys(binding, other);
        store.save(binding, 30);
        assertThat(store.load(binding)).as("saves go on from the rewound position").isEqualTo(30);
        assertThatThrownBy(() -> store.rewind(binding, -1)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void keepsAReplaysProgressWholeAndReplacesItAsItAdvances() {
        Instant start = Instant.parse("2030-01-01T00:00:00.123456789Z");
        ReplayRequest request = ReplayRequest.all().id(ReplayId.random()).ofAggregate(AggregateId.of("42"))
                .positions(3, 900).occurredBetween(start.minusSeconds(60), start).failedOnly().throttle(25);
        ReplayProgress started = ReplayProgress.started(binding, request, 120, 870, start);

        assertThat(store.loadReplay(request.id())).isEmpty();
        store.saveReplay(started);
        assertThat(store.loadReplay(request.id())).contains(started);

        ReplayProgress advanced = started.advanced(20, 400, start.plusSeconds(1));
        store.saveReplay(advanced);
        assertThat(store.loadReplay(request.id())).contains(advanced);
        ReplayProgress done = advanced.done(start.plusSeconds(5));
        store.saveReplay(done);
        assertThat(store.loadReplay(request.id())).contains(done);
    }

    @Test
    void listsTheReplaysOfAServiceOldestFirst() {
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        ReplayProgress reset = ReplayProgress.started(binding, ReplayRequest.resetAbove(0), 5, 5, start.plusSeconds(2));
        ReplayProgress all = ReplayProgress.started(binding, ReplayRequest.all(), 0, 0, start);
        ReplayProgress elsewhere = ReplayProgress.started(new Binding(freshService(), binding.type(),
                binding.projection()), ReplayRequest.all(), 1, 1, start);
        store.saveReplay(reset);
        store.saveReplay(all);
        store.saveReplay(elsewhere);

        assertThat(store.replays(service)).containsExactly(all, reset);
        assertThat(store.replays(freshService())).isEmpty();
    }
}
