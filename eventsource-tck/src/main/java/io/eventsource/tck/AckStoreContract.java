package io.eventsource.tck;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AckStatus;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Projection;
import io.eventsource.ports.AckStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.eventsource.tck.Fixtures.T0;
import static io.eventsource.tck.Fixtures.freshAggregate;
import static io.eventsource.tck.Fixtures.freshService;
import static io.eventsource.tck.Fixtures.freshType;
import static io.eventsource.tck.Fixtures.newEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * The contract of {@link AckStore}: one ack per (event, service, projection) under the domain's rules
 * ({@link Ack#mergedWith}: ok is final, a fail may become ok, attempts add up), durable when
 * {@link AckStore#record} completes, and the queries of the listener and the sweeper. An adapter's test
 * extends it and supplies a store. Every test uses fresh services, aggregates and event ids, so a store
 * shared with other tests works.
 */
public abstract class AckStoreContract {
    private static final Duration DURABLE_WITHIN = Duration.ofSeconds(30);
    private AckStore store;
    private Binding binding;
    private AggregateRef aggregate;

    /** The store under test, for one test; closed after it. */
    protected abstract AckStore newAckStore();

    @BeforeEach
    final void openStore() {
        store = newAckStore();
        aggregate = freshAggregate(freshType());
        binding = new Binding(freshService(), aggregate.type(), Projection.of("projections"));
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }

    /** The store under test. */
    protected final AckStore store() {
        return store;
    }

    private Event event(long sequence) {
        return newEvent("Happened", T0).at(aggregate, sequence);
    }

    private void record(Ack... acks) {
        record(List.of(acks));
    }

    private void record(Collection<Ack> acks) {
        try {
            store.record(acks).toCompletableFuture().get(DURABLE_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("record did not complete", e);
        }
    }

    private Ack stored(Event event) {
        return stored(event, binding);
    }

    private Ack stored(Event event, Binding of) {
        AckKey key = AckKey.of(event.id(), of);
        return store.find(List.of(key)).get(key);
    }

    @Test
    void findsWhatWasRecordedOnceRecordCompletes() {
        Event event = event(1);
        Ack ok = Ack.ok(event, binding, 1, T0);

        record(ok);

        assertThat(stored(event)).isEqualTo(ok);
        assertThat(store.find(List.of(AckKey.of(EventId.random(), binding)))).isEmpty();
    }

    @Test
    void anOkIsFinal() {
        Event event = event(1);
        Ack ok = Ack.ok(event, binding, 2, T0);
        record(ok);

        record(Ack.fail(event, binding, 1, "later failure", T0.plusSeconds(1)));
        record(Ack.ok(event, binding, 1, T0.plusSeconds(2)));

        assertThat(stored(event)).isEqualTo(ok);
    }

    @Test
    void aFailBecomesOkWithTheAttemptsOfBoth() {
        Event event = event(1);
        record(Ack.fail(event, binding, 3, "handler threw", T0));

        record(Ack.ok(event, binding, 1, T0.plusSeconds(5)));

        Ack merged = stored(event);
        assertThat(merged.status()).isEqualTo(AckStatus.OK);
        assertThat(merged.attempts()).isEqualTo(4);
        assertThat(merged.lastError()).isEmpty();
        assertThat(merged.at()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void failuresAddUpTheirAttemptsAndKeepTheLastError() {
        Event event = event(1);
        record(Ack.fail(event, binding, 2, "first", T0));

        record(Ack.fail(event, binding, 3, "second", T0.plusSeconds(1)));

        Ack merged = stored(event);
        assertThat(merged.status()).isEqualTo(AckStatus.FAIL);
        assertThat(merged.attempts()).isEqualTo(5);
        assertThat(merged.lastError()).isEqualTo("second");
    }

    @Test
    void mergesAcksOfOneKeyWithinOneBatchInOrder() {
        Event event = event(1);

        record(Ack.fail(event, binding, 1, "first", T0), Ack.fail(event, binding, 1, "second", T0.plusSeconds(1)),
                Ack.ok(event, binding, 1, T0.plusSeconds(2)));

        Ack merged = stored(event);
        assertThat(merged.status()).isEqualTo(AckStatus.OK);
        assertThat(merged.attempts()).isEqualTo(3);
    }

    @Test
    void keepsOneAckPerEventServiceAndProjection() {
        Event event = event(1);
        Binding otherProjection = new Binding(binding.service(), binding.type(), Projection.of("search-index"));
        Binding otherService = new Binding(freshService(), binding.type(), binding.projection());

        record(Ack.ok(event, binding, 1, T0), Ack.fail(event, otherProjection, 1, "x", T0),
                Ack.fail(event, otherService, 2, "y", T0));

        assertThat(stored(event, binding).status()).isEqualTo(AckStatus.OK);
        assertThat(stored(event, otherProjection).status()).isEqualTo(AckStatus.FAIL);
        assertThat(stored(event, otherService).attempts()).isEqualTo(2);
        Map<AckKey, Ack> all = store.find(List.of(AckKey.of(event.id(), binding), AckKey.of(event.id(), otherProjection),
                AckKey.of(event.id(), otherService)));
        assertThat(all).hasSize(3);
    }

    @Test
    void concurrentRecordsOfOneKeyAllCount() throws Exception {
        Event event = event(1);
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(CompletableFuture.supplyAsync(
                        () -> store.record(List.of(Ack.fail(event, binding, 1, "writer " + writer, T0))), pool)
                        .thenCompose(stage -> stage));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(DURABLE_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(stored(event).attempts()).isEqualTo(writers);
    }

    @Test
    void theLastSequenceIsTheHighestAckedOfTheBindingAndAggregate() {
        record(Ack.ok(event(1), binding, 1, T0), Ack.fail(event(3), binding, 1, "x", T0), Ack.ok(event(2), binding, 1, T0));
        Binding otherProjection = new Binding(binding.service(), binding.type(), Projection.of("other"));
        record(Ack.ok(event(7), otherProjection, 1, T0));

        assertThat(store.lastSequence(binding.service(), binding.projection(), aggregate)).isEqualTo(3);
        assertThat(store.lastSequence(binding.service(), otherProjection.projection(), aggregate)).isEqualTo(7);
        assertThat(store.lastSequence(freshService(), binding.projection(), aggregate)).isZero();
        assertThat(store.lastSequence(binding.service(), binding.projection(), freshAggregate(aggregate.type()))).isZero();
    }

    @Test
    void readsTheLastSequencesOfSeveralBindingsAtOnceAsEachAlone() {
        Binding search = new Binding(binding.service(), binding.type(), Projection.of("search"));
        Binding otherService = new Binding(freshService(), binding.type(), Projection.of("index"));
        Binding none = new Binding(otherService.service(), binding.type(), binding.projection());
        AggregateRef otherAggregate = freshAggregate(aggregate.type());
        record(Ack.ok(event(1), binding, 1, T0), Ack.fail(event(4), binding, 1, "x", T0), Ack.ok(event(2), search, 1, T0),
                Ack.ok(event(6), otherService, 1, T0),
                // pairs that were not asked for, and another aggregate of the type: none of them counts
                Ack.ok(event(9), new Binding(binding.service(), binding.type(), Projection.of("index")), 1, T0),
                Ack.ok(event(8), new Binding(otherService.service(), binding.type(), Projection.of("search")), 1, T0),
                Ack.ok(newEvent("Happened", T0).at(otherAggregate, 12), binding, 1, T0));

        Map<Binding, Long> last = store.lastSequences(List.of(binding, search, otherService, none), aggregate);

        assertThat(last).containsOnly(entry(binding, 4L), entry(search, 2L), entry(otherService, 6L), entry(none, 0L));
        for (Binding each : last.keySet()) {
            assertThat(last.get(each)).as("%s as lastSequence says", each)
                    .isEqualTo(store.lastSequence(each.service(), each.projection(), aggregate));
        }
        assertThat(store.lastSequences(List.of(binding), otherAggregate)).containsOnly(entry(binding, 12L));
        assertThat(store.lastSequences(List.of(), aggregate)).isEmpty();
    }

    @Test
    void readsTheLastSequencesOfSeveralAggregatesAtOnceAsEachAlone() {
        Binding search = new Binding(binding.service(), binding.type(), Projection.of("search"));
        AggregateRef second = freshAggregate(aggregate.type());
        AggregateRef untouched = freshAggregate(aggregate.type());
        record(Ack.ok(event(3), binding, 1, T0), Ack.fail(event(5), search, 1, "x", T0),
                Ack.ok(newEvent("Happened", T0).at(second, 7), binding, 1, T0),
                // another projection of the service, not asked for
                Ack.ok(newEvent("Happened", T0).at(second, 9),
                        new Binding(binding.service(), binding.type(), Projection.of("index")), 1, T0));
        List<AggregateRef> aggregates = List.of(aggregate, second, untouched);

        Map<AggregateRef, Map<Binding, Long>> last = store.lastSequencesAll(List.of(binding, search), aggregates);

        assertThat(last).containsOnlyKeys(aggregates);
        assertThat(last.get(aggregate)).containsOnly(entry(binding, 3L), entry(search, 5L));
        assertThat(last.get(second)).containsOnly(entry(binding, 7L), entry(search, 0L));
        assertThat(last.get(untouched)).containsOnly(entry(binding, 0L), entry(search, 0L));
        for (AggregateRef each : aggregates) {
            assertThat(last.get(each)).as("%s as lastSequences says", each)
                    .isEqualTo(store.lastSequences(List.of(binding, search), each));
        }
        assertThat(store.lastSequencesAll(List.of(), List.of(aggregate))).containsOnly(entry(aggregate, Map.of()));
        assertThat(store.lastSequencesAll(List.of(binding), List.of())).isEmpty();
    }

    @Test
    void readsTheLastSequencesOfMoreAggregatesThanOneQueryCarries() {
        List<AggregateRef> aggregates = new ArrayList<>();
        List<Ack> acks = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            AggregateRef each = freshAggregate(aggregate.type());
            aggregates.add(each);
            if (i % 100 == 0) {
                acks.add(Ack.ok(newEvent("Happened", T0).at(each, i + 1), binding, 1, T0));
            }
        }
        record(acks.toArray(Ack[]::new));

        Map<AggregateRef, Map<Binding, Long>> last = store.lastSequencesAll(List.of(binding), aggregates);

        assertThat(last).hasSize(aggregates.size());
        for (int i = 0; i < aggregates.size(); i++) {
            assertThat(last.get(aggregates.get(i))).as("aggregate %d", i)
                    .containsOnly(entry(binding, i % 100 == 0 ? i + 1L : 0L));
        }
    }

    @Test
    void refusesToReadTheLastSequencesOfAggregatesOfAnotherType() {
        AggregateRef otherType = AggregateRef.of(freshType().value(), "x");

        assertThatThrownBy(() -> store.lastSequencesAll(List.of(binding), List.of(aggregate, otherType)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(otherType.type().toString());
    }

    @Test
    void refusesToReadTheLastSequenceOfABindingOfAnotherType() {
        Binding otherType = new Binding(binding.service(), freshType(), binding.projection());

        assertThatThrownBy(() -> store.lastSequences(List.of(binding, otherType), aggregate))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(otherType.toString());
    }

    @Test
    void tellsWhichEventsTheBindingHasAnyAckFor() {
        Event okEvent = event(1);
        Event failedEvent = event(2);
        Event unseen = event(3);
        record(Ack.ok(okEvent, binding, 1, T0), Ack.fail(failedEvent, binding, 1, "x", T0));

        Set<EventId> acknowledged = store.acknowledged(binding.service(), binding.projection(),
                List.of(okEvent.id(), failedEvent.id(), unseen.id()));

        assertThat(acknowledged).containsExactlyInAnyOrder(okEvent.id(), failedEvent.id());
        assertThat(store.acknowledged(freshService(), binding.projection(), List.of(okEvent.id()))).isEmpty();
        assertThat(store.acknowledged(binding.service(), binding.projection(), List.of())).isEmpty();
    }

    @Test
    void listsFailuresOldestFirstUntilTheyBecomeOk() {
        Event first = event(1);
        Event second = event(2);
        Event third = event(3);
        Instant now = T0;
        record(Ack.fail(second, binding, 1, "b", now.plusSeconds(2)), Ack.fail(first, binding, 1, "a", now.plusSeconds(1)),
                Ack.fail(third, binding, 1, "c", now.plusSeconds(3)), Ack.ok(event(4), binding, 1, now));

        assertThat(store.failures(binding.service(), binding.projection(), 10)).extracting(a -> a.key().eventId())
                .containsExactly(first.id(), second.id(), third.id());
        assertThat(store.failures(binding.service(), binding.projection(), 2)).hasSize(2);

        record(Ack.ok(first, binding, 1, now.plusSeconds(10)));
        assertThat(store.failures(binding.service(), binding.projection(), 10)).extracting(a -> a.key().eventId())
                .containsExactly(second.id(), third.id());
    }

    @Test
    void keepsALongErrorCutToItsLimit() {
        Event event = event(1);
        String longError = "e".repeat(Ack.MAX_ERROR_LENGTH * 3);

        record(Ack.fail(event, binding, 1, longError, T0));

        assertThat(stored(event).lastError()).hasSize(Ack.MAX_ERROR_LENGTH).endsWith("...");
    }

    @Test
    void forgetsTheBindingsAcksOfTheEventsOnlySoThatTheyCanBeRecordedAnew() {
        Event ok = event(1);
        Event failed = event(2);
        Event kept = event(3);
        Binding other = new Binding(binding.service(), binding.type(), Projection.of("other"));
        record(Ack.ok(ok, binding, 1, T0), Ack.fail(failed, binding, 2, "x", T0), Ack.ok(kept, binding, 1, T0),
                Ack.ok(ok, other, 1, T0));

        store.forget(binding, List.of(ok.id(), failed.id(), EventId.random()));

        assertThat(stored(ok)).as("forgotten, ok or not").isNull();
        assertThat(stored(failed)).isNull();
        assertThat(stored(kept)).as("an event not named").isNotNull();
        assertThat(stored(ok, other)).as("another binding's ack of the event").isNotNull();
        assertThat(store.lastSequence(binding.service(), binding.projection(), aggregate)).isEqualTo(3);
        assertThat(store.failures(binding.service(), binding.projection(), 10)).isEmpty();

        Ack again = Ack.ok(ok, binding, 1, T0.plusSeconds(9));
        record(again);
        assertThat(stored(ok)).as("recorded anew, not merged with what was forgotten").isEqualTo(again);
        store.forget(binding, List.of());
    }
}
