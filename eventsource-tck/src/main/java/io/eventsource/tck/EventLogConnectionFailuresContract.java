package io.eventsource.tck;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.ports.Append;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.SequenceRange;
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

import static io.eventsource.tck.Fixtures.T0;
import static io.eventsource.tck.Fixtures.freshAggregate;
import static io.eventsource.tck.Fixtures.freshType;
import static io.eventsource.tck.Fixtures.newEvent;
import static io.eventsource.tck.Recovery.retryWhileTransient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How an {@link EventLog} fails on its connection to its store. While the store cannot be reached (refused, or its
 * connections cut) every operation fails with a {@link TransientPortException} (never a permanent one, never the
 * client library's own exception), writes nothing, and works again once the store is back; a store that refuses the
 * log for good (a wrong password) is a {@link PermanentPortException}, which no retry cures. The suite puts a
 * {@link FaultProxy} between the log and its store and asks for logs connected through it; any adapter that talks to
 * its store over TCP can take part.
 *
 * <pre>{@code
 * class MyEventLogConnectionFailuresIT extends EventLogConnectionFailuresContract {
 *     protected URI storeAddress() { return RealService.MYSQL.locate(); }
 *     protected EventLog newEventLog(InetSocketAddress through) {
 *         return new MyEventLog(settings.withUrl("jdbc:mysql://" + through.getHostString() + ":" + through.getPort()
 *                 + "/test"));
 *     }
 *     protected EventLog newRefusedEventLog(InetSocketAddress through) {
 *         return new MyEventLog(settings.withUrl(...as above...).withPassword("not-the-password"));
 *     }
 * }
 * }</pre>
 */
public abstract class EventLogConnectionFailuresContract {
    private FaultProxy proxy;
    private EventLog log;

    /**
     * Where the real store listens (its host and port are what count; a {@code jdbc:} URL will do), for the proxy to
     * forward to. Typically {@link io.eventsource.tck.services.RealService#locate()}, which skips the test where the
     * store is missing.
     */
    protected abstract URI storeAddress();

    /**
     * A log that reaches its store at {@code through} (the proxy's loopback host and port) instead of
     * {@link #storeAddress()}, with everything else as usual; closed after the test, and it releases what it opened.
     * Give it short timeouts (about a second to get a connection) so that the suite runs quickly.
     */
    protected abstract EventLog newEventLog(InetSocketAddress through);

    /**
     * A log that reaches its store at {@code through} as {@link #newEventLog} does, with settings the store refuses for
     * good: a wrong password, or a user without the privileges the log needs. It may throw when it is made or at its
     * first call; either is checked. Closed after the test if made.
     */
    protected abstract EventLog newRefusedEventLog(InetSocketAddress through);

    @BeforeEach
    final void connectThroughProxy() {
        proxy = FaultProxy.to("event log store", storeAddress());
        log = newEventLog(new InetSocketAddress("127.0.0.1", proxy.port()));
    }

    @AfterEach
    final void closeLogAndProxy() {
        try {
            log.close();
        } finally {
            proxy.close();
        }
    }

    /** The proxy between the log and its store, for a subclass's own tests. */
    protected final FaultProxy proxy() {
        return proxy;
    }

    /** The log under test. */
    protected final EventLog log() {
        return log;
    }

    @Test
    void everyOperationFailsTransientlyWhileTheStoreIsDown() {
        AggregateRef aggregate = freshAggregate(freshType());
        List<LoggedEvent> logged = log.append(aggregate, ExpectedVersion.NONE, List.of(newEvent("Created", T0)));
        EventId id = logged.get(0).event().id();

        proxy.refuse();

        Map<String, ThrowingCallable> operations = new LinkedHashMap<>();
        operations.put("append", () -> log.append(aggregate, ExpectedVersion.exactly(1), List.of(newEvent("Next", T0))));
        operations.put("appendAll", () -> log.appendAll(List.of(
                new Append(aggregate, ExpectedVersion.exactly(1), List.of(newEvent("Next", T0))),
                new Append(freshAggregate(aggregate.type()), ExpectedVersion.NONE, List.of(newEvent("Other", T0))))));
        operations.put("version", () -> log.version(aggregate));
        operations.put("read", () -> log.read(aggregate, 1, 10));
        operations.put("readAll", () -> log.readAll(List.of(new SequenceRange(aggregate, 1, 10),
                new SequenceRange(freshAggregate(aggregate.type()), 1, 10))));
        operations.put("read a query", () -> log.read(LogQuery.all().ofType(aggregate.type())));
        operations.put("unpublished", () -> log.unpublished(T0.plusSeconds(1), 10));
        operations.put("markPublished", () -> log.markPublished(List.of(id), T0.plusSeconds(1)));
        for (Map.Entry<String, ThrowingCallable> operation : operations.entrySet()) {
            assertThatThrownBy(operation.getValue()).as("%s while the store is down", operation.getKey())
                    .isInstanceOf(TransientPortException.class);
        }
    }

    @Test
    void anAppendWhileTheStoreIsDownWritesNothingAndItsRetryWorksOnceTheStoreIsBack() {
        AggregateRef aggregate = freshAggregate(freshType());
        NewEvent first = newEvent("Created", T0);
        log.append(aggregate, ExpectedVersion.NONE, List.of(first));
        NewEvent second = newEvent("Renamed", T0.plusSeconds(1));
        proxy.refuse();
        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.exactly(1), List.of(second)))
                .isInstanceOf(TransientPortException.class);

        proxy.restore();

        List<LoggedEvent> retried = retryWhileTransient("the retried append",
                () -> log.append(aggregate, ExpectedVersion.exactly(1), List.of(second)));
        assertThat(retried).extracting(entry -> entry.event().sequence()).containsExactly(2L);
        assertThat(log.read(aggregate, 1, 10)).containsExactly(first.at(aggregate, 1), second.at(aggregate, 2));
    }

    @Test
    void aStoreThatRefusesTheLogForGoodIsAPermanentFailure() {
        AggregateRef aggregate = freshAggregate(freshType());
        InetSocketAddress through = new InetSocketAddress("127.0.0.1", proxy.port());

        assertThatThrownBy(() -> {
            try (EventLog refused = newRefusedEventLog(through)) {
                refused.version(aggregate);
            }
        }).isInstanceOf(PermanentPortException.class);
    }

    @Test
    void connectionsCutUnderTheLogFailTransientlyOrAreReplacedAndTheLogWorksOn() {
        AggregateRef aggregate = freshAggregate(freshType());
        log.append(aggregate, ExpectedVersion.NONE, List.of(newEvent("Created", T0)));

        // a log that keeps connections between calls (a pool) has them cut under it; one that opens a connection per
        // call has nothing to lose here, and is checked by the other cases
        proxy.cutConnections();

        try {
            assertThat(log.version(aggregate)).isEqualTo(1);
        } catch (PortException failed) {
            assertThat(failed).as("a cut connection: a retry may help").isInstanceOf(TransientPortException.class);
        }
        assertThat(retryWhileTransient("version after the cut", () -> log.version(aggregate))).isEqualTo(1);
        NewEvent renamed = newEvent("Renamed", T0);
        assertThat(retryWhileTransient("append after the cut",
                () -> log.append(aggregate, ExpectedVersion.exactly(1), List.of(renamed))))
                .extracting(entry -> entry.event().sequence()).containsExactly(2L);
    }
}
