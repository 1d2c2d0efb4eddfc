package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener against real sockets: a small server that answers each line with its own name. */
class TcpListenerTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    void shouldForwardToTheTargetAndCutConnectionsWhenItMoves() throws Exception {
        NamedServer central = server("central");
        NamedServer south = server("south");
        TcpListener listener = listener(Duration.ofSeconds(2));
        listener.pointAt(new TcpListener.Route("central", central.port()));
        Socket client = connect(listener);
        assertThat(ask(client)).isEqualTo("central");

        listener.pointAt(new TcpListener.Route("south", south.port()));

        assertThat(client.getInputStream().read()).as("the old connection is cut").isEqualTo(-1);
        assertThat(ask(connect(listener))).isEqualTo("south");
        assertThat(listener.activeConnections()).isEqualTo(1);
    }

    @Test
    void shouldHoldNewConnectionsDuringAFailoverAndReleaseThemToTheNewTarget() throws Exception {
        NamedServer south = server("south");
        TcpListener listener = listener(Duration.ofSeconds(10));
        listener.hold();
        Socket client = connect(listener);
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return ask(client);
            } catch (IOException e) {
                return "failed: " + e;
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !answer.isDone());

        listener.pointAt(new TcpListener.Route("south", south.port()));

        assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo("south");
    }

    @Test
    void shouldCloseAHeldConnectionWhenTheHoldTimeoutPasses() throws Exception {
        TcpListener listener = listener(Duration.ofMillis(300));
        listener.hold();
        Socket client = connect(listener);
        client.setSoTimeout(5_000);
        long started = System.nanoTime();

        int read = client.getInputStream().read();

        assertThat(read).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        assertThat(listener.refusedConnections()).isEqualTo(1);
    }

    @Test
    void shouldCloseConnectionsAtOnceWithoutTargetOrWhenTheTargetIsDown() throws Exception {
        TcpListener listener = listener(Duration.ofSeconds(10));
        Socket noTarget = connect(listener);
        noTarget.setSoTimeout(2_000);
        assertThat(noTarget.getInputStream().read()).isEqualTo(-1);

        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        listener.pointAt(new TcpListener.Route("gone", deadPort));
        Socket downTarget = connect(listener);
        downTarget.setSoTimeout(2_000);

        assertThat(downTarget.getInputStream().read()).isEqualTo(-1);
        assertThat(listener.refusedConnections()).isEqualTo(2);
    }

    private TcpListener listener(Duration hold) {
        TcpListener listener = new TcpListener("read-write", hold);
        listener.start(0);
        closeables.add(listener);
        return listener;
    }

    private NamedServer server(String name) throws IOException {
        NamedServer server = new NamedServer(name);
        closeables.add(server);
        return server;
    }

    private Socket connect(TcpListener listener) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        closeables.add(socket);
        return socket;
    }

    private static String ask(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write('?');
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        int c;
        try {
            while ((c = in.read()) != -1 && c != '\n') {
                answer.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            return "timeout";
        }
        return answer.toString();
    }

    /** Answers every byte it receives with its name and a newline. */
    private static final class NamedServer implements AutoCloseable {
        private final ServerSocket socket;

        NamedServer(String name) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        Thread t = new Thread(() -> {
                            try (client) {
                                while (client.getInputStream().read() != -1) {
                                    client.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                                }
                            } catch (IOException e) {
                                // client gone
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
