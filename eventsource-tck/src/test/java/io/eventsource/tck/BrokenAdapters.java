package io.eventsource.tck;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.DuplicateEventIdException;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Adapters that break one rule of the failure suites on purpose, each the way a real adapter would: the suites must
 * fail on them. Each wraps a correct fake ({@link SimpleEventLog}, {@link SimpleAckStore}) and changes one thing;
 * the fakes themselves can be built broken in the other ways (a millisecond precision, no payload limit, acks written
 * before they are checked).
 */
final class BrokenAdapters {
    private BrokenAdapters() {
    }

    /** (a) An adapter whose catch-all turns every failure into "retry later", whatever it was. */
    static final class EveryErrorTransientEventLog extends ForwardingEventLog {
        EveryErrorTransientEventLog(EventLog delegate) {
            super(delegate);
        }

        @Override
        public List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
            return transientOnAnyError(() -> super.append(aggregate, expected, events));
        }

        @Override
        public List<AppendOutcome> appendAll(List<Append> appends) {
            List<AppendOutcome> outcomes = transientOnAnyError(() -> super.appendAll(appends));
            for (AppendOutcome outcome : outcomes) {
                if (outcome instanceof AppendOutcome.Refused refused) {
                    throw new TransientPortException("the store failed: " + refused.reason().getMessage(), refused.reason());
                }
            }
            return outcomes;
        }
    }

    /** (a) The same for acks: any failure of a record is reported as transient. */
    static final class EveryErrorTransientAckStore extends ForwardingAckStore {
        EveryErrorTransientAckStore(AckStore delegate) {
            super(delegate);
        }

        @Override
        public CompletionStage<Void> record(Collection<Ack> acks) {
            try {
                return super.record(acks).exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                        new TransientPortException("the store failed: " + failure.getMessage(), failure)));
            } catch (RuntimeException failure) {
                return CompletableFuture.failedFuture(new TransientPortException("the store failed: "
                        + failure.getMessage(), failure));
            }
        }
    }

    /** (b) An adapter that takes the unique key's violation for a race a retry will win. */
    static final class DuplicateIdTransientEventLog extends ForwardingEventLog {
        DuplicateIdTransientEventLog(EventLog delegate) {
            super(delegate);
        }

        @Override
        public List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
            try {
                return super.append(aggregate, expected, events);
            } catch (DuplicateEventIdException duplicate) {
                throw new TransientPortException("duplicate key, try again", duplicate);
            }
        }

        @Override
        public List<AppendOutcome> appendAll(List<Append> appends) {
            List<AppendOutcome> outcomes = super.appendAll(appends);
            for (AppendOutcome outcome : outcomes) {
                if (outcome instanceof AppendOutcome.Refused refused
                        && refused.reason() instanceof DuplicateEventIdException duplicate) {
                    throw new TransientPortException("duplicate key in the batch, try again", duplicate);
                }
            }
            return outcomes;
        }
    }

    private static <T> T transientOnAnyError(Supplier<T> call) {
        try {
            return call.get();
        } catch (TransientPortException alreadyTransient) {
            throw alreadyTransient;
        } catch (RuntimeException failure) {
            throw new TransientPortException("the store failed: " + failure.getMessage(), failure);
        }
    }

    /**
     * A store behind TCP, for the connection-failure suites: a server that takes a one-byte password first (answering
     * {@code K} to the right one, {@code N} and closing to any other), then answers each byte with the same byte.
     */
    static final class EchoServer implements AutoCloseable {
        static final int PASSWORD = 'p';
        private final ServerSocket server;

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, "echo-server");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread echo = new Thread(() -> echo(client), "echo");
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void echo(Socket client) {
            try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
                if (in.read() != PASSWORD) {
                    out.write('N');
                    out.flush();
                    return;
                }
                out.write('K');
                out.flush();
                int read;
                while ((read = in.read()) >= 0) {
                    out.write(read);
                    out.flush();
                }
            } catch (IOException gone) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** How a networked fake files its failures: correctly, or broken one way or the other. */
    enum Filing {
        /** A lost connection is transient, a refused password permanent. */
        CORRECT,
        /** (f) Every I/O error is permanent, a lost connection too. */
        LOSS_AS_PERMANENT,
        /** (a) Every failure is transient, a refused password too. */
        EVERYTHING_TRANSIENT
    }

    /**
     * The client side of {@link EchoServer}: logs in when it connects (once, and again after a failure), then makes one
     * round trip before each call.
     */
    static final class Connection implements AutoCloseable {
        private final InetSocketAddress address;
        private final int password;
        private final Filing filing;
        private Socket socket;

        Connection(InetSocketAddress address, int password, Filing filing) {
            this.address = address;
            this.password = password;
            this.filing = filing;
        }

        synchronized void roundTrip() {
            try {
                if (socket == null) {
                    Socket opened = new Socket();
                    opened.connect(address, 1_000);
                    opened.setSoTimeout(2_000);
                    socket = opened;
                    send(password);
                    if (receive() != 'K') {
                        close();
                        throw filing == Filing.EVERYTHING_TRANSIENT
                                ? new TransientPortException("the store at " + address + " failed the login")
                                : new PermanentPortException("the store at " + address + " refused the password");
                    }
                }
                send(42);
                if (receive() != 42) {
                    throw new IOException("the connection to " + address + " closed");
                }
            } catch (IOException lost) {
                close();
                throw filing == Filing.LOSS_AS_PERMANENT
                        ? new PermanentPortException("the store at " + address + " failed", lost)
                        : new TransientPortException("the store at " + address + " cannot be reached", lost);
            }
        }

        private void send(int b) throws IOException {
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
        }

        private int receive() throws IOException {
            return socket.getInputStream().read();
        }

        @Override
        public synchronized void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }

    /** An event log that reaches its store over {@link Connection}. */
    static final class NetworkedEventLog extends ForwardingEventLog {
        private final Connection connection;

        NetworkedEventLog(EventLog delegate, Connection connection) {
            super(delegate);
            this.connection = connection;
        }

        private <T> T over(Supplier<T> call) {
            connection.roundTrip();
            return call.get();
        }

        @Override
        public List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
            return over(() -> super.append(aggregate, expected, events));
        }

        @Override
        public List<AppendOutcome> appendAll(List<Append> appends) {
            return over(() -> super.appendAll(appends));
        }

        @Override
        public long version(AggregateRef aggregate) {
            return over(() -> super.version(aggregate));
        }

        @Override
        public List<io.eventsource.domain.Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
            return over(() -> super.read(aggregate, fromSequence, toSequence));
        }

        @Override
        public List<List<io.eventsource.domain.Event>> readAll(List<io.eventsource.ports.SequenceRange> ranges) {
            return over(() -> super.readAll(ranges));
        }

        @Override
        public LogPage read(LogQuery query) {
            return over(() -> super.read(query));
        }

        @Override
        public List<LoggedEvent> unpublished(Instant occurredBefore, int limit) {
            return over(() -> super.unpublished(occurredBefore, limit));
        }

        @Override
        public void markPublished(Collection<EventId> events, Instant at) {
            over(() -> {
                super.markPublished(events, at);
                return null;
            });
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /** An ack store that reaches its store over {@link Connection}. */
    static final class NetworkedAckStore extends ForwardingAckStore {
        private final Connection connection;

        NetworkedAckStore(AckStore delegate, Connection connection) {
            super(delegate);
            this.connection = connection;
        }

        private <T> T over(Supplier<T> call) {
            connection.roundTrip();
            return call.get();
        }

        @Override
        public CompletionStage<Void> record(Collection<Ack> acks) {
            try {
                return over(() -> super.record(acks));
            } catch (PortException failed) {
                return CompletableFuture.failedFuture(failed);
            }
        }

        @Override
        public Map<AckKey, Ack> find(Collection<AckKey> keys) {
            return over(() -> super.find(keys));
        }

        @Override
        public long lastSequence(ServiceName service, Projection projection, AggregateRef aggregate) {
            return over(() -> super.lastSequence(service, projection, aggregate));
        }

        @Override
        public Map<Binding, Long> lastSequences(Collection<Binding> bindings, AggregateRef aggregate) {
            return over(() -> super.lastSequences(bindings, aggregate));
        }

        @Override
        public Map<AggregateRef, Map<Binding, Long>> lastSequencesAll(Collection<Binding> bindings,
                                                                       Collection<AggregateRef> aggregates) {
            return over(() -> super.lastSequencesAll(bindings, aggregates));
        }

        @Override
        public Set<EventId> acknowledged(ServiceName service, Projection projection, Collection<EventId> events) {
            return over(() -> super.acknowledged(service, projection, events));
        }

        @Override
        public List<Ack> failures(ServiceName service, Projection projection, int limit) {
            return over(() -> super.failures(service, projection, limit));
        }

        @Override
        public void forget(Binding binding, Collection<EventId> events) {
            connection.roundTrip();
            super.forget(binding, events);
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
