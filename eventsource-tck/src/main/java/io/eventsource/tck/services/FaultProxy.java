package io.eventsource.tck.services;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A TCP proxy on loopback between the code under test and a real service, that a test turns into a network fault
 * (there is no Docker here to stop a container's network): point the adapter's settings at {@link #route(URI)}
 * instead of the service's address, then
 * <ul>
 *   <li>{@link #cutConnections()}: every open connection is reset at once (both sides see a connection reset), new
 *       ones go through: a broker that restarts, a load balancer that drops its connections;</li>
 *   <li>{@link #refuse()}: the open connections are reset and new ones are refused (connection refused) until
 *       {@link #restore()}: the service is down;</li>
 *   <li>{@link #blackhole()}: nothing is closed, but no byte goes through in either direction and new connections
 *       are accepted and held, until {@link #restore()}: a network partition, where only the clients' own timeouts
 *       notice anything;</li>
 *   <li>{@link #restore()}: forwarding again, on the same port (held bytes and connections of a blackhole go on
 *       where they stopped).</li>
 * </ul>
 * A {@link Tap} per connection may watch the bytes that go through, to count what a protocol carries (deliveries,
 * commands) without touching the client. Each connection costs two threads; the proxy is for tests, not traffic.
 * Thread-safe.
 *
 * <pre>{@code
 * try (FaultProxy broker = FaultProxy.to("rabbitmq", URI.create("amqp://guest:guest@127.0.0.1:5672"))) {
 *     RabbitMqSettings settings = RabbitMqSettings.local().withUri(broker.route(RabbitMqSettings.DEFAULT_URI));
 *     ...
 *     broker.refuse();        // the broker is gone
 *     ...
 *     broker.restore();       // and back
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
    private static final int BUFFER_BYTES = 32 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    /** How long {@link #restore()} waits for the port to be free again after {@link #refuse()}. */
    private static final Duration REBIND_WITHIN = Duration.ofSeconds(10);
    private static final long REBIND_BACKOFF_NANOS = 50_000_000L;
    /** How long {@link #refuse()} and {@link #close()} wait for the accepting thread to let go of the port. */
    private static final Duration STOP_ACCEPTING_WITHIN = Duration.ofSeconds(10);
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("amqp", 5672, "amqps", 5671, "redis", 6379,
            "rediss", 6379, "mysql", 3306, "mariadb", 3306, "postgresql", 5432);
    private static final Tap NO_TAP = new Tap() {
    };

    /** What the proxy does with traffic now. */
    public enum Mode {
        /** Bytes go through both ways; new connections are forwarded. */
        FORWARDING,
        /** No byte goes through; new connections are accepted and held; nothing is closed. */
        BLACKHOLED,
        /** No connection is open and new ones are refused. */
        REFUSING
    }

    /**
     * Watches the bytes of one proxied connection, called by the thread that forwards them just before it writes
     * them on. Must be quick; an exception thrown by a tap cuts its connection.
     */
    public interface Tap {
        /** Bytes from the client on their way to the service. */
        default void toService(byte[] bytes, int offset, int length) {
        }

        /** Bytes from the service on their way to the client. */
        default void toClient(byte[] bytes, int offset, int length) {
        }
    }

    private final String name;
    private final InetSocketAddress target;
    private final int port;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicInteger threadNumbers = new AtomicInteger();
    private volatile Supplier<? extends Tap> taps = () -> NO_TAP;
    private Mode mode = Mode.FORWARDING; // guarded by this
    private ServerSocket server; // guarded by this
    /** The thread that accepts on {@link #server}; the listening socket is only gone once it has left accept(). */
    private Thread acceptor; // guarded by this
    private boolean closed; // guarded by this

    private FaultProxy(String name, InetSocketAddress target) throws IOException {
        this.name = Objects.requireNonNull(name, "name");
        this.target = Objects.requireNonNull(target, "target");
        ServerSocket first = listen(0);
        this.port = first.getLocalPort();
        synchronized (this) {
            server = first;
            startAccepting(first);
        }
    }

    /**
     * A forwarding proxy to the host and port of {@code address} ({@code amqp://}, {@code redis://},
     * {@code jdbc:mysql://} and the like; a missing port is the scheme's default), listening on a free loopback port.
     *
     * @param name what the proxy stands for, in its threads' names and {@link #toString()}
     * @throws IllegalArgumentException if the address has no host, or no port and a scheme without a known default
     * @throws UncheckedIOException if no loopback port can be bound
     */
    public static FaultProxy to(String name, URI address) {
        URI plain = withoutJdbcPrefix(Objects.requireNonNull(address, "address"));
        if (plain.getHost() == null) {
            throw new IllegalArgumentException("FaultProxy needs an address with a host, got " + address);
        }
        int targetPort = plain.getPort();
        if (targetPort < 0) {
            Integer known = plain.getScheme() == null ? null : DEFAULT_PORTS.get(plain.getScheme());
            if (known == null) {
                throw new IllegalArgumentException("FaultProxy needs a port in " + address + " (no default port for its"
                        + " scheme is known)");
            }
            targetPort = known;
        }
        return to(name, new InetSocketAddress(plain.getHost(), targetPort));
    }

    /**
     * A forwarding proxy to {@code target}, listening on a free loopback port.
     *
     * @throws UncheckedIOException if no loopback port can be bound
     */
    public static FaultProxy to(String name, InetSocketAddress target) {
        try {
            return new FaultProxy(name, target);
        } catch (IOException e) {
            throw new UncheckedIOException("FaultProxy " + name + " could not listen on loopback", e);
        }
    }

    /** The loopback port the proxy listens on; the same for its whole life, also across {@link #refuse()}. */
    public int port() {
        return port;
    }

    /**
     * The same address through this proxy: scheme, user information, path and query kept, host and port replaced by
     * {@code 127.0.0.1} and {@link #port()}; a {@code jdbc:} prefix is kept.
     */
    public URI route(URI address) {
        String text = Objects.requireNonNull(address, "address").toString();
        boolean jdbc = text.startsWith("jdbc:");
        URI plain = withoutJdbcPrefix(address);
        StringBuilder routed = new StringBuilder();
        if (jdbc) {
            routed.append("jdbc:");
        }
        routed.append(plain.getScheme()).append("://");
        if (plain.getRawUserInfo() != null) {
            routed.append(plain.getRawUserInfo()).append('@');
        }
        routed.append("127.0.0.1:").append(port);
        if (plain.getRawPath() != null) {
            routed.append(plain.getRawPath());
        }
        if (plain.getRawQuery() != null) {
            routed.append('?').append(plain.getRawQuery());
        }
        return URI.create(routed.toString());
    }

    /** As {@link #route(URI)}, for an address given as text (a JDBC URL). */
    public String route(String address) {
        return route(URI.create(Objects.requireNonNull(address, "address"))).toString();
    }

    /**
     * Watches the connections opened from now on with a tap each (taken from {@code perConnection} as a connection
     * opens); connections already open keep theirs.
     */
    public void tap(Supplier<? extends Tap> perConnection) {
        taps = Objects.requireNonNull(perConnection, "perConnection");
    }

    /** What the proxy does now. */
    public synchronized Mode mode() {
        return mode;
    }

    /** The connections open now (forwarded or held). */
    public int openConnections() {
        return links.size();
    }

    /** The connections accepted since the proxy started. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /**
     * Resets every open connection now; new connections go through (or are held or refused, as the mode says).
     *
     * @return how many connections were cut
     */
    public int cutConnections() {
        int cut = 0;
        for (Link link : links) {
            if (link.cut()) {
                cut++;
            }
        }
        return cut;
    }

    /**
     * Resets every open connection and refuses new ones until {@link #restore()}: once it returns, a connection to
     * {@link #port()} is refused. Idempotent.
     *
     * @throws IllegalStateException if the proxy is closed, or its port still accepted connections 10 s after it
     *         stopped listening
     */
    public void refuse() {
        Thread stopping;
        synchronized (this) {
            requireOpen();
            mode = Mode.REFUSING;
            stopping = stopListening();
            notifyAll();
        }
        if (!stoppedAccepting(stopping)) {
            throw new IllegalStateException("FaultProxy " + name + " still accepts on 127.0.0.1:" + port + " "
                    + STOP_ACCEPTING_WITHIN.toSeconds() + " s after it closed its listening socket");
        }
        cutConnections();
    }

    /**
     * Holds all traffic until {@link #restore()}: open connections stay open but forward nothing, new connections are
     * accepted and held. Idempotent; from {@link Mode#REFUSING} it listens again first.
     */
    public void blackhole() {
        synchronized (this) {
            requireOpen();
            relisten();
            mode = Mode.BLACKHOLED;
        }
    }

    /**
     * Forwards again: after {@link #refuse()} it listens on the same port again, after {@link #blackhole()} the held
     * bytes and connections go on. Idempotent.
     *
     * @throws UncheckedIOException if the port cannot be bound again (another socket took it while the proxy refused,
     *         and kept it for 10 s)
     */
    public void restore() {
        synchronized (this) {
            requireOpen();
            relisten();
            mode = Mode.FORWARDING;
            notifyAll();
        }
    }

    /** Stops listening and resets every connection. Idempotent; never throws. */
    @Override
    public void close() {
        Thread stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            mode = Mode.REFUSING;
            stopping = stopListening();
            notifyAll();
        }
        stoppedAccepting(stopping);
        cutConnections();
    }

    @Override
    public String toString() {
        return "FaultProxy " + name + " 127.0.0.1:" + port + " -> " + target.getHostString() + ":" + target.getPort()
                + " (" + mode() + ")";
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Listens on the port again if it was refusing. Holds the lock. */
    private void relisten() {
        if (server != null) {
            return;
        }
        long deadline = System.nanoTime() + REBIND_WITHIN.toNanos();
        while (server == null) {
            try {
                server = listen(port);
            } catch (BindException taken) {
                // while the proxy refused, the port was free, and any process's outgoing connection may have been given
                // it as its local port: wait a little for it to go, rather than fail a test over the OS's choice
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("FaultProxy " + name + " could not listen on 127.0.0.1:" + port
                            + " again within " + REBIND_WITHIN.toSeconds() + " s: another socket holds the port", taken);
                }
                LockSupport.parkNanos(REBIND_BACKOFF_NANOS);
            } catch (IOException e) {
                throw new UncheckedIOException("FaultProxy " + name + " could not listen on 127.0.0.1:" + port + " again", e);
            }
        }
        startAccepting(server);
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        // the port is taken again after refuse(), while the connections it had are in TIME_WAIT
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        return socket;
    }

    /**
     * Closes the listening socket; returns its accepting thread. While that thread is in accept(), the JDK defers the
     * socket's close until it returns, and the kernel goes on completing connections to the port in the meantime.
     * Holds the lock.
     */
    private Thread stopListening() {
        closeQuietly(server);
        server = null;
        Thread stopping = acceptor;
        acceptor = null;
        return stopping;
    }

    /**
     * Waits until the accepting thread has left accept(), so that the port refuses connections from now on; the
     * connections it accepted before are among the links then, for the cut that follows. Returns whether it left
     * (false if the wait was interrupted or took over {@link #STOP_ACCEPTING_WITHIN}).
     */
    private boolean stoppedAccepting(Thread stopping) {
        if (stopping == null || stopping == Thread.currentThread()) {
            return true;
        }
        try {
            stopping.join(STOP_ACCEPTING_WITHIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !stopping.isAlive();
    }

    /** Starts the thread that accepts on the listening socket. Holds the lock. */
    private void startAccepting(ServerSocket listening) {
        acceptor = thread("accept", () -> {
            while (!listening.isClosed()) {
                Socket client;
                try {
                    client = listening.accept();
                } catch (IOException stopped) {
                    return;
                }
                accepted.incrementAndGet();
                Link link = new Link(client);
                links.add(link);
                thread("connect", link::connect);
            }
        });
    }

    /** Waits while the proxy holds traffic; returns whether the link may go on. */
    private boolean awaitForwarding(Link link) {
        synchronized (this) {
            while (mode == Mode.BLACKHOLED && !link.isCut()) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return mode == Mode.FORWARDING && !link.isCut();
        }
    }

    private Thread thread(String role, Runnable body) {
        Thread thread = new Thread(body, "fault-proxy-" + name + "-" + role + "-" + threadNumbers.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static URI withoutJdbcPrefix(URI address) {
        String text = address.toString();
        return text.startsWith("jdbc:") ? URI.create(text.substring("jdbc:".length())) : address;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** One client connection and its connection to the service. */
    private final class Link {
        private final Socket client;
        private volatile Socket service;
        private volatile boolean cut;

        Link(Socket client) {
            this.client = client;
        }

        void connect() {
            if (!awaitForwarding(this)) {
                cut();
                return;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException unreachable) {
                // the service itself is down: the client sees its connection reset, as it would
                closeQuietly(upstream);
                cut();
                return;
            }
            service = upstream;
            if (cut) {
                // cut while connecting
                reset(upstream);
                return;
            }
            Tap tap = taps.get();
            thread("up", () -> pump(client, upstream, tap, true));
            thread("down", () -> pump(upstream, client, tap, false));
        }

        private void pump(Socket from, Socket to, Tap tap, boolean toService) {
            byte[] buffer = new byte[BUFFER_BYTES];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (!awaitForwarding(this)) {
                        break;
                    }
                    if (toService) {
                        tap.toService(buffer, 0, read);
                    } else {
                        tap.toClient(buffer, 0, read);
                    }
                    out.write(buffer, 0, read);
                }
            } catch (IOException | RuntimeException ended) {
                // one side went away, the proxy cut the link, or the tap failed: the link ends
            }
            cut();
        }

        boolean isCut() {
            return cut;
        }

        /** Resets both sides; returns whether this call cut it. */
        boolean cut() {
            synchronized (this) {
                if (cut) {
                    return false;
                }
                cut = true;
            }
            links.remove(this);
            reset(client);
            Socket upstream = service;
            if (upstream != null) {
                reset(upstream);
            }
            // wakes this link's other direction if it waits for a blackhole to end
            synchronized (FaultProxy.this) {
                FaultProxy.this.notifyAll();
            }
            return true;
        }

        /** Closes with a reset rather than a goodbye, as a dropped connection looks to the other side. */
        private void reset(Socket socket) {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException alreadyClosed) {
                // closing anyway
            }
            closeQuietly(socket);
        }
    }
}
