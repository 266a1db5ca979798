package io.eventsource.examples;

import io.eventsource.tck.services.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The TCK's {@link FaultProxy}, tested here: the TCK module itself has no tests of its own (it requires JUnit in its
 * main module, which surefire cannot launch beside it on the module path).
 */
class FaultProxyTest {
    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEchoServerBehindProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread pump = new Thread(() -> {
                        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ended) {
                            // the proxy reset it
                        }
                    });
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = FaultProxy.to("echo", new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBytesBothWays() throws IOException {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void cutConnectionsResetsOpenConnectionsAndForwardsNewOnes() throws Exception {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "before")).isEqualTo("before");
            assertThat(proxy.cutConnections()).isEqualTo(1);
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(IOException.class);
        }
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "after")).isEqualTo("after");
        }
    }

    @Test
    void refuseRefusesNewConnectionsUntilRestoredOnTheSamePort() throws IOException {
        int port = proxy.port();
        Socket open = connect();
        assertThat(roundTrip(open, "x")).isEqualTo("x");

        proxy.refuse();

        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.REFUSING);
        assertThatThrownBy(() -> open.getInputStream().read()).isInstanceOf(IOException.class);
        open.close();
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);

        proxy.restore();

        assertThat(proxy.port()).isEqualTo(port);
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "back")).isEqualTo("back");
        }
    }

    @Test
    void blackholeHoldsBytesAndNewConnectionsUntilRestored() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "a")).isEqualTo("a");
            proxy.blackhole();
            send(open, "held");
            Socket late = connect();
            send(late, "late");
            // nothing comes back while the hole lasts (a bounded wait: the absence of bytes cannot be polled for)
            open.setSoTimeout(300);
            assertThatThrownBy(() -> open.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            proxy.restore();

            assertThat(receive(open, 4)).isEqualTo("held");
            assertThat(receive(late, 4)).isEqualTo("late");
            late.close();
        }
    }

    @Test
    void aTapSeesTheBytesOfEachConnectionInBothDirections() throws IOException {
        ByteArrayOutputStream toService = new ByteArrayOutputStream();
        ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        proxy.tap(() -> new FaultProxy.Tap() {
            @Override
            public void toService(byte[] bytes, int offset, int length) {
                synchronized (toService) {
                    toService.write(bytes, offset, length);
                }
            }

            @Override
            public void toClient(byte[] bytes, int offset, int length) {
                synchronized (toClient) {
                    toClient.write(bytes, offset, length);
                }
            }
        });
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "ping")).isEqualTo("ping");
        }
        synchronized (toService) {
            assertThat(toService.toString(StandardCharsets.US_ASCII)).isEqualTo("ping");
        }
        synchronized (toClient) {
            assertThat(toClient.toString(StandardCharsets.US_ASCII)).isEqualTo("ping");
        }
    }

    @Test
    void routesAnAddressThroughItselfKeepingCredentialsPathQueryAndJdbcPrefix() {
        int port = proxy.port();
        assertThat(proxy.route(URI.create("amqp://guest:guest@rabbit.example:5672/vhost")))
                .isEqualTo(URI.create("amqp://guest:guest@127.0.0.1:" + port + "/vhost"));
        assertThat(proxy.route("jdbc:mysql://db.example:3306/test?useSSL=false"))
                .isEqualTo("jdbc:mysql://127.0.0.1:" + port + "/test?useSSL=false");
        assertThat(proxy.route(URI.create("redis://127.0.0.1:6379"))).isEqualTo(URI.create("redis://127.0.0.1:" + port));
    }

    @Test
    void findsTheTargetPortOfAnAddressOrItsSchemesDefault() {
        try (FaultProxy jdbc = FaultProxy.to("db", URI.create("jdbc:mysql://127.0.0.1/test"))) {
            assertThat(jdbc.toString()).endsWith("-> 127.0.0.1:3306 (FORWARDING)");
        }
        assertThatThrownBy(() -> FaultProxy.to("x", URI.create("unknown://127.0.0.1/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no default port");
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 2_000);
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(5));
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        send(socket, text);
        return receive(socket, text.length());
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String receive(Socket socket, int length) throws IOException {
        socket.setSoTimeout(5_000);
        byte[] bytes = socket.getInputStream().readNBytes(length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
