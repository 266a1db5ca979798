package io.eventsource.tck;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.Projection;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.services.FaultProxy;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.eventsource.tck.AckStoreRecording.recordFully;
import static io.eventsource.tck.AckStoreRecording.tryToRecord;
import static io.eventsource.tck.Fixtures.T0;
import static io.eventsource.tck.Fixtures.freshAggregate;
import static io.eventsource.tck.Fixtures.freshService;
import static io.eventsource.tck.Fixtures.freshType;
import static io.eventsource.tck.Fixtures.newEvent;
import static io.eventsource.tck.Recovery.retryWhileTransient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How an {@link AckStore} fails on its connection to its store. While the store cannot be reached a
 * {@link AckStore#record} fails with a {@link TransientPortException} and leaves none of its acks ok, every read fails
 * with one too (never a permanent failure, never the client library's own exception), and the store works again once
 * it is back; a store that refuses the ack store for good (a wrong password) is a {@link PermanentPortException}. The
 * suite puts a {@link FaultProxy} between the ack store and its store and asks for ack stores connected through it,
 * as {@link EventLogConnectionFailuresContract} does for the log.
 */
public abstract class AckStoreConnectionFailuresContract {
    private FaultProxy proxy;
    private AckStore store;
    private Binding binding;
    private AggregateRef aggregate;

    /** Where the real store listens, for the proxy to forward to (see {@link EventLogConnectionFailuresContract}). */
    protected abstract URI storeAddress();

    /**
     * An ack store that reaches its store at {@code through} (the proxy's loopback host and port) instead of
     * {@link #storeAddress()}, with everything else as usual; closed after the test, and it releases what it opened.
     * Give it short timeouts (about a second to get a connection) so that the suite runs quickly.
     */
    protected abstract AckStore newAckStore(InetSocketAddress through);

    /**
     * An ack store that reaches its store at {@code through} as {@link #newAckStore} does, with settings the store
     * refuses for good: a wrong password, or a user without the privileges the ack store needs. It may throw when it is
     * made or at its first call; either is checked. Closed after the test if made.
     */
    protected abstract AckStore newRefusedAckStore(InetSocketAddress through);

    @BeforeEach
    final void connectThroughProxy() {
        proxy = FaultProxy.to("ack store", storeAddress());
        store = newAckStore(new InetSocketAddress("127.0.0.1", proxy.port()));
        aggregate = freshAggregate(freshType());
        binding = new Binding(freshService(), aggregate.type(), Projection.of("projections"));
    }

    @AfterEach
    final void closeStoreAndProxy() {
        try {
            store.close();
        } finally {
            proxy.close();
        }
    }

    /** The proxy between the ack store and its store, for a subclass's own tests. */
    protected final FaultProxy proxy() {
        return proxy;
    }

    /** The ack store under test. */
    protected final AckStore store() {
        return store;
    }

    private Event event(long sequence) {
        return newEvent("Happened", T0).at(aggregate, sequence);
    }

    @Test
    void everyOperationFailsTransientlyWhileTheStoreIsDown() {
        Event event = event(1);
        recordFully(store, List.of(Ack.fail(event, binding, 1, "x", T0)));

        proxy.refuse();

        assertThat(tryToRecord(store, List.of(Ack.ok(event, binding, 1, T0)))).as("record while the store is down")
                .isInstanceOf(TransientPortException.class);
        Map<String, ThrowingCallable> reads = new LinkedHashMap<>();
        reads.put("find", () -> store.find(List.of(AckKey.of(event.id(), binding))));
        reads.put("lastSequence", () -> store.lastSequence(binding.service(), binding.projection(), aggregate));
        reads.put("lastSequences", () -> store.lastSequences(List.of(binding), aggregate));
        reads.put("lastSequencesAll", () -> store.lastSequencesAll(List.of(binding), List.of(aggregate)));
        reads.put("acknowledged", () -> store.acknowledged(binding.service(), binding.projection(), List.of(event.id())));
        reads.put("failures", () -> store.failures(binding.service(), binding.projection(), 10));
        for (Map.Entry<String, ThrowingCallable> read : reads.entrySet()) {
            assertThatThrownBy(read.getValue()).as("%s while the store is down", read.getKey())
                    .isInstanceOf(TransientPortException.class);
        }
    }

    @Test
    void aRecordThatFailsWhileTheStoreIsDownLeavesNoOkAndItsRetryWorksOnceTheStoreIsBack() {
        Event wasFail = event(1);
        Event fresh = event(2);
        Ack fail = Ack.fail(wasFail, binding, 1, "handler threw", T0);
        recordFully(store, List.of(fail));
        List<Ack> call = List.of(Ack.ok(wasFail, binding, 1, T0.plusSeconds(1)), Ack.ok(fresh, binding, 1, T0));

        proxy.refuse();
        assertThat(tryToRecord(store, call)).isInstanceOf(TransientPortException.class);
        proxy.restore();

        Map<AckKey, Ack> after = retryWhileTransient("find after the store came back",
                () -> store.find(List.of(AckKey.of(wasFail.id(), binding), AckKey.of(fresh.id(), binding))));
        assertThat(after).as("the failed record changed nothing").containsOnly(Map.entry(fail.key(), fail));
        retryWhileTransient("the retried record", () -> {
            Throwable failure = tryToRecord(store, call);
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            assertThat(failure).isNull();
            return null;
        });
        assertThat(store.find(List.of(AckKey.of(wasFail.id(), binding), AckKey.of(fresh.id(), binding))).values())
                .extracting(Ack::isOk).containsExactly(true, true);
    }

    @Test
    void aStoreThatRefusesTheAckStoreForGoodIsAPermanentFailure() {
        InetSocketAddress through = new InetSocketAddress("127.0.0.1", proxy.port());

        assertThatThrownBy(() -> {
            try (AckStore refused = newRefusedAckStore(through)) {
                refused.lastSequence(binding.service(), binding.projection(), aggregate);
            }
        }).isInstanceOf(PermanentPortException.class);
    }

    @Test
    void connectionsCutUnderTheStoreFailTransientlyOrAreReplacedAndTheStoreWorksOn() {
        Event event = event(1);
        recordFully(store, List.of(Ack.fail(event, binding, 1, "x", T0)));

        // an ack store that keeps connections between calls (a pool) has them cut under it; one that opens a
        // connection per call has nothing to lose here, and is checked by the other cases
        proxy.cutConnections();

        try {
            assertThat(store.lastSequence(binding.service(), binding.projection(), aggregate)).isEqualTo(1);
        } catch (PortException failed) {
            assertThat(failed).as("a cut connection: a retry may help").isInstanceOf(TransientPortException.class);
        }
        Ack ok = Ack.ok(event, binding, 1, T0.plusSeconds(1));
        retryWhileTransient("record after the cut", () -> {
            Throwable failure = tryToRecord(store, List.of(ok));
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            assertThat(failure).isNull();
            return null;
        });
        assertThat(store.find(List.of(ok.key())).get(ok.key()).isOk()).isTrue();
    }
}
