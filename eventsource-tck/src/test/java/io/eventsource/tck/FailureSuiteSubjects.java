package io.eventsource.tck;

import io.eventsource.domain.PayloadLimit;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.temporal.ChronoUnit;

/**
 * The failure suites run on correct and on deliberately broken adapters, one concrete suite class each, for
 * {@link FailureSuitesBiteTest} to run with the JUnit Platform's launcher. Not tests of their own: the file's name
 * is not one that surefire runs, and nested classes are never run by it either.
 */
final class FailureSuiteSubjects {
    /** Small, so that payloads at and over it are quick to build; the suites read it from {@code payloadLimit()}. */
    static final PayloadLimit LIMIT = PayloadLimit.ofBytes(4_096);
    private static EchoServerHolder echo;

    private FailureSuiteSubjects() {
    }

    // ---- EventLogFailuresContract ----

    static class CorrectEventLog extends EventLogFailuresContract {
        @Override
        protected EventLog newEventLog() {
            return new SimpleEventLog(LIMIT);
        }

        @Override
        protected PayloadLimit payloadLimit() {
            return LIMIT;
        }
    }

    static class EveryErrorTransientEventLog extends CorrectEventLog {
        @Override
        protected EventLog newEventLog() {
            return new BrokenAdapters.EveryErrorTransientEventLog(super.newEventLog());
        }
    }

    static class DuplicateIdTransientEventLog extends CorrectEventLog {
        @Override
        protected EventLog newEventLog() {
            return new BrokenAdapters.DuplicateIdTransientEventLog(super.newEventLog());
        }
    }

    /** Says it has a limit, and never checks it. */
    static class PayloadLimitIgnoredEventLog extends CorrectEventLog {
        @Override
        protected EventLog newEventLog() {
            return new SimpleEventLog(PayloadLimit.ofBytes(Integer.MAX_VALUE));
        }
    }

    static class MillisecondEventLog extends CorrectEventLog {
        @Override
        protected EventLog newEventLog() {
            return new SimpleEventLog(LIMIT, ChronoUnit.MILLIS);
        }
    }

    // ---- AckStoreFailuresContract ----

    static class CorrectAckStore extends AckStoreFailuresContract {
        @Override
        protected AckStore newAckStore() {
            return SimpleAckStore.correct();
        }
    }

    static class EveryErrorTransientAckStore extends AckStoreFailuresContract {
        @Override
        protected AckStore newAckStore() {
            return new BrokenAdapters.EveryErrorTransientAckStore(SimpleAckStore.correct());
        }
    }

    static class MillisecondAckStore extends AckStoreFailuresContract {
        @Override
        protected AckStore newAckStore() {
            return SimpleAckStore.keepingMilliseconds();
        }
    }

    static class OkBeforeFailingAckStore extends AckStoreFailuresContract {
        @Override
        protected AckStore newAckStore() {
            return SimpleAckStore.writingBeforeChecking();
        }
    }

    // ---- the connection-failure suites, over a store behind TCP ----

    static class CorrectNetworkedEventLog extends EventLogConnectionFailuresContract {
        /** How this adapter files its failures. */
        BrokenAdapters.Filing filing() {
            return BrokenAdapters.Filing.CORRECT;
        }

        @Override
        protected URI storeAddress() {
            return echoServer();
        }

        @Override
        protected EventLog newEventLog(InetSocketAddress through) {
            return new BrokenAdapters.NetworkedEventLog(new SimpleEventLog(LIMIT),
                    new BrokenAdapters.Connection(through, BrokenAdapters.EchoServer.PASSWORD, filing()));
        }

        @Override
        protected EventLog newRefusedEventLog(InetSocketAddress through) {
            return new BrokenAdapters.NetworkedEventLog(new SimpleEventLog(LIMIT),
                    new BrokenAdapters.Connection(through, 'x', filing()));
        }
    }

    static class ConnectionLossPermanentEventLog extends CorrectNetworkedEventLog {
        @Override
        BrokenAdapters.Filing filing() {
            return BrokenAdapters.Filing.LOSS_AS_PERMANENT;
        }
    }

    static class EverythingTransientNetworkedEventLog extends CorrectNetworkedEventLog {
        @Override
        BrokenAdapters.Filing filing() {
            return BrokenAdapters.Filing.EVERYTHING_TRANSIENT;
        }
    }

    static class CorrectNetworkedAckStore extends AckStoreConnectionFailuresContract {
        /** How this adapter files its failures. */
        BrokenAdapters.Filing filing() {
            return BrokenAdapters.Filing.CORRECT;
        }

        @Override
        protected URI storeAddress() {
            return echoServer();
        }

        @Override
        protected AckStore newAckStore(InetSocketAddress through) {
            return new BrokenAdapters.NetworkedAckStore(SimpleAckStore.correct(),
                    new BrokenAdapters.Connection(through, BrokenAdapters.EchoServer.PASSWORD, filing()));
        }

        @Override
        protected AckStore newRefusedAckStore(InetSocketAddress through) {
            return new BrokenAdapters.NetworkedAckStore(SimpleAckStore.correct(),
                    new BrokenAdapters.Connection(through, 'x', filing()));
        }
    }

    static class ConnectionLossPermanentAckStore extends CorrectNetworkedAckStore {
        @Override
        BrokenAdapters.Filing filing() {
            return BrokenAdapters.Filing.LOSS_AS_PERMANENT;
        }
    }

    static class EverythingTransientNetworkedAckStore extends CorrectNetworkedAckStore {
        @Override
        BrokenAdapters.Filing filing() {
            return BrokenAdapters.Filing.EVERYTHING_TRANSIENT;
        }
    }

    /** One echo server for every subject, started on first use; a daemon that ends with the test JVM. */
    private static synchronized URI echoServer() {
        if (echo == null) {
            try {
                echo = new EchoServerHolder(new BrokenAdapters.EchoServer());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the echo server", e);
            }
        }
        return URI.create("tcp://127.0.0.1:" + echo.server().port());
    }

    private record EchoServerHolder(BrokenAdapters.EchoServer server) {
    }
}
