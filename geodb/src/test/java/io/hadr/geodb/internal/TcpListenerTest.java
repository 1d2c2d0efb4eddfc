package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hadr.toolkit.Threads;
import java.io.DataInputStream;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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

        assertThat(client.getInputStream().read())
                .as("the old connection is cut")
                .isEqualTo(-1);
        assertThat(ask(connect(listener))).isEqualTo("south");
        assertThat(listener.activeConnections()).isEqualTo(1);
    }

    @Test
    void shouldHoldNewConnectionsDuringAFailoverAndReleaseThemToTheNewTarget() throws Exception {
        NamedServer south = server("south");
        TcpListener listener = listener(Duration.ofSeconds(10));
        listener.hold(Duration.ZERO);
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
        listener.hold(Duration.ZERO);
        Socket client = connect(listener);
        // The ceiling: a held client is never left hanging (a read past it would throw).
        client.setSoTimeout(30_000);
        long started = System.nanoTime();

        int read = client.getInputStream().read();

        assertThat(read).isEqualTo(-1);
        // It was held, not closed at once; only slowness can add to this, never shorten it.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(listener.heldConnections()).isEqualTo(1);
        assertThat(listener.refusedConnections()).isEqualTo(1);
    }

    @Test
    void shouldLetATransactionInFlightCommitAndCutItsConnectionOnlyBetweenTransactions() throws Exception {
        FakePostgres postgres = fakePostgres();
        TcpListener listener = listener(Duration.ofSeconds(10));
        listener.pointAt(new TcpListener.Route("central", postgres.port()));
        Socket client = connect(listener);
        client.setSoTimeout(30_000);
        assertThat(exchange(client, PgWire.startup())).isEqualTo('I');
        assertThat(exchange(client, PgWire.query("BEGIN"))).isEqualTo('T');

        CompletableFuture<Void> hold = CompletableFuture.runAsync(() -> listener.hold(Duration.ofSeconds(20)));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !hold.isDone());
        char afterCommit = exchange(client, PgWire.query("COMMIT"));

        assertThat(afterCommit)
                .as("the commit is answered through the draining listener")
                .isEqualTo('I');
        assertThat(client.getInputStream().read())
                .as("then the connection is cut")
                .isEqualTo(-1);
        hold.get(30, TimeUnit.SECONDS);
        assertThat(postgres.queries()).containsExactly("BEGIN", "COMMIT");
        assertThat(listener.activeConnections()).isZero();
    }

    @Test
    void shouldCutAnIdleConnectionAtOnceAndNeverForwardARequestItStartsAfterwards() throws Exception {
        FakePostgres postgres = fakePostgres();
        TcpListener listener = listener(Duration.ofSeconds(10));
        listener.pointAt(new TcpListener.Route("central", postgres.port()));
        Socket client = connect(listener);
        client.setSoTimeout(30_000);
        assertThat(exchange(client, PgWire.startup())).isEqualTo('I');

        listener.hold(Duration.ofSeconds(20));

        assertThat(listener.activeConnections()).isZero();
        try {
            client.getOutputStream().write(PgWire.query("INSERT INTO t VALUES (1)"));
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        } catch (IOException e) {
            // Cut before the write went out: just as good.
        }
        assertThat(postgres.queries()).isEmpty();
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

    private FakePostgres fakePostgres() throws IOException {
        FakePostgres postgres = new FakePostgres();
        closeables.add(postgres);
        return postgres;
    }

    /** Sends a message and reads the answer up to its ReadyForQuery; returns its transaction status. */
    private static char exchange(Socket socket, byte[] message) throws IOException {
        socket.getOutputStream().write(message);
        socket.getOutputStream().flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            int type = in.readUnsignedByte();
            int length = in.readInt();
            byte[] body = in.readNBytes(length - 4);
            if (type == 'Z') {
                return (char) body[0];
            }
        }
    }

    private TcpListener listener(Duration hold) {
        TcpListener listener = new TcpListener("read-write", null, hold);
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

    /** A server on loopback that hands each connection to {@code serve} on a thread of its own, until it is closed. */
    private static ServerSocket serveEach(String name, Consumer<Socket> serve) throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Threads.startDaemon(name + "-accept", () -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Threads.startDaemon(name, () -> serve.accept(client));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return socket;
    }

    /**
     * Speaks just enough of PostgreSQL's protocol: accepts any startup, answers each simple query
     * with CommandComplete and ReadyForQuery, in a transaction between BEGIN and COMMIT.
     */
    private static final class FakePostgres implements AutoCloseable {
        private final ServerSocket socket;
        private final List<String> queries = new CopyOnWriteArrayList<>();

        FakePostgres() throws IOException {
            socket = serveEach("fake-postgres", this::serve);
        }

        private void serve(Socket client) {
            try (client) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream();
                int length = in.readInt();
                in.readNBytes(length - 4);
                out.write(PgWire.concat(PgWire.authOk(), PgWire.ready('I')));
                char status = 'I';
                while (true) {
                    int type = in.readUnsignedByte();
                    byte[] body = in.readNBytes(in.readInt() - 4);
                    if (type == 'X') {
                        return;
                    }
                    String sql = new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
                    queries.add(sql);
                    status = sql.equals("BEGIN") ? 'T' : sql.equals("COMMIT") ? 'I' : status;
                    out.write(PgWire.concat(PgWire.commandComplete(sql), PgWire.ready(status)));
                }
            } catch (IOException e) {
                // client gone
            }
        }

        List<String> queries() {
            return queries;
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Answers every byte it receives with its name and a newline. */
    private static final class NamedServer implements AutoCloseable {
        private final ServerSocket socket;

        NamedServer(String name) throws IOException {
            socket = serveEach("named-" + name, client -> {
                try (client) {
                    while (client.getInputStream().read() != -1) {
                        client.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // client gone
                }
            });
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
