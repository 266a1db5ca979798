package io.eventsource.adapter.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between a client and Redis that counts round trips and records the commands sent: a round trip
 * is each time the client sends after the server has answered (or for the first time). Jedis flushes a
 * pipeline with one write, so a call that is one round trip shows as one.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final AtomicInteger roundTrips = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    /** Whether the last bytes seen on any connection went from server to client. */
    private volatile boolean answered = true;

    CountingProxy(URI redis) throws IOException {
        this.target = new InetSocketAddress(redis.getHost(), redis.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The proxy's address, with the path (database) of the given URI. */
    URI uri() {
        return URI.create("redis://127.0.0.1:" + server.getLocalPort());
    }

    int roundTrips() {
        return roundTrips.get();
    }

    /** The names of the commands sent since the last reset, upper case, in order. */
    List<String> commands() {
        return List.copyOf(commands);
    }

    void reset() {
        roundTrips.set(0);
        commands.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean clientToServer) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            RespCommands parser = new RespCommands(commands::add);
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) != -1) {
                    synchronized (this) {
                        if (clientToServer && answered) {
                            roundTrips.incrementAndGet();
                        }
                        answered = !clientToServer;
                    }
                    if (clientToServer) {
                        parser.feed(buffer, read);
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side went away: the other pump ends too
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, clientToServer ? "proxy-up" : "proxy-down");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(CountingProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** Reads the names of the commands a client sends: RESP arrays of bulk strings. */
    private static final class RespCommands {
        private final java.util.function.Consumer<String> sink;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        RespCommands(java.util.function.Consumer<String> sink) {
            this.sink = sink;
        }

        void feed(byte[] bytes, int length) {
            pending.write(bytes, 0, length);
            byte[] data = pending.toByteArray();
            int position = 0;
            while (true) {
                int end = parse(data, position);
                if (end < 0) {
                    break;
                }
                position = end;
            }
            pending.reset();
            pending.write(data, position, data.length - position);
        }

        /** Parses one command at {@code start}; returns where it ends, or -1 if it is not complete yet. */
        private int parse(byte[] data, int start) {
            int[] line = line(data, start);
            if (line == null || data[start] != '*') {
                return -1;
            }
            int count = Integer.parseInt(new String(data, start + 1, line[0] - start - 1, StandardCharsets.US_ASCII));
            int position = line[1];
            String name = null;
            for (int i = 0; i < count; i++) {
                int[] header = line(data, position);
                if (header == null) {
                    return -1;
                }
                int size = Integer.parseInt(new String(data, position + 1, header[0] - position - 1,
                        StandardCharsets.US_ASCII));
                if (header[1] + size + 2 > data.length) {
                    return -1;
                }
                if (i == 0) {
                    name = new String(data, header[1], size, StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT);
                }
                position = header[1] + size + 2;
            }
            sink.accept(name);
            return position;
        }

        /** {end of the line's text, start of the next line}, or null without a full line. */
        private static int[] line(byte[] data, int start) {
            for (int i = start; i + 1 < data.length; i++) {
                if (data[i] == '\r' && data[i + 1] == '\n') {
                    return new int[]{i, i + 2};
                }
            }
            return null;
        }
    }
}
