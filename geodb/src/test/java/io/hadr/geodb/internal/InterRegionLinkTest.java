package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hadr.geodb.LinkStatus;
import io.hadr.toolkit.Hashes;
import io.hadr.toolkit.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The link against real sockets on loopback: an echo server in the far region, clients in the
 * near one. Latency bounds are generous (the machine is shared); the bench measures accuracy.
 */
class InterRegionLinkTest {

    private static final String NEAR = "southindia";
    private static final String FAR = "centralindia";

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void shouldAddTheConfiguredLatencyInEachDirection() throws Exception {
        InterRegionLink link = link(Duration.ofMillis(25));
        EchoServer echo = echo();
        Socket client = connect(link.openEntry(NEAR, echo.port(), "test"));
        roundTrip(client, 1);

        long[] rtts = new long[20];
        for (int i = 0; i < rtts.length; i++) {
            rtts[i] = roundTrip(client, 64);
        }

        Arrays.sort(rtts);
        double medianMillis = rtts[rtts.length / 2] / 1e6;
        System.out.printf(
                "link 25 ms one way: round trips min %.2f ms, median %.2f ms, max %.2f ms%n",
                rtts[0] / 1e6, medianMillis, rtts[rtts.length - 1] / 1e6);
        assertThat(rtts[0])
                .as("no round trip is shorter than twice the one-way latency")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(medianMillis).as("median round trip close to 2 × 25 ms").isLessThan(50 + 25);
    }

    @Test
    void shouldCarryLargeTransfersIntactBothWays() throws Exception {
        InterRegionLink link = link(Duration.ofMillis(2));
        EchoServer echo = echo();
        Socket client = connect(link.openEntry(NEAR, echo.port(), "test"));
        byte[] data = new byte[24 << 20];
        new Random(7).nextBytes(data);
        CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
            try {
                return client.getInputStream().readNBytes(data.length);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        OutputStream out = client.getOutputStream();
        for (int offset = 0; offset < data.length; offset += 100_000) {
            out.write(data, offset, Math.min(100_000, data.length - offset));
        }

        assertThat(Hashes.sha256Hex(echoed.get(60, TimeUnit.SECONDS))).isEqualTo(Hashes.sha256Hex(data));
        LinkStatus status = link.status();
        assertThat(status.directions())
                .extracting(LinkStatus.Direction::deliveredBytes)
                .containsExactly(0L + data.length, 0L + data.length);
    }

    @Test
    void shouldHoldBytesDuringAPartitionWithoutResettingAndDeliverThemAfterTheHeal() throws Exception {
        InterRegionLink link = link(Duration.ofMillis(5));
        EchoServer echo = echo();
        Socket client = connect(link.openEntry(NEAR, echo.port(), "test"));
        roundTrip(client, 8);

        link.partition();
        client.getOutputStream().write(new byte[] {1, 2, 3});
        client.setSoTimeout(1500);

        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(link.status().partitioned()).isTrue();
        assertThat(link.status().directions().stream()
                        .mapToLong(LinkStatus.Direction::pendingBytes)
                        .sum())
                .isEqualTo(3);

        link.heal();

        client.setSoTimeout(5000);
        assertThat(client.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
        assertThat(link.status().partitioned()).isFalse();
        assertThat(link.latency()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void shouldStallASenderWhoseWindowIsFullDuringAPartition() throws Exception {
        InterRegionLink link = link(Duration.ZERO);
        EchoServer echo = echo();
        Socket client = connect(link.openEntry(NEAR, echo.port(), "test"));
        link.partition();
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                OutputStream out = client.getOutputStream();
                for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> !writer.isDone());
        assertThat(written.get())
                .as("stalled after the window and the socket buffers")
                .isLessThan(LinkCrossing.WINDOW * 4);

        link.heal();
        CompletableFuture.runAsync(() -> {
            try {
                client.getInputStream().readNBytes(1024 * 64 * 1024);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.get(60, TimeUnit.SECONDS);
    }

    @Test
    void shouldNotReachTheFarSideWithAConnectionAbandonedDuringAPartition() throws Exception {
        InterRegionLink link = link(Duration.ofMillis(5));
        EchoServer echo = echo();
        int entry = link.openEntry(NEAR, echo.port(), "test");
        link.partition();
        Socket client = connect(entry);
        client.getOutputStream().write(new byte[] {42});
        await().atMost(Duration.ofSeconds(5)).until(() -> link.status().connections() == 1);

        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> link.status().connections() == 0);
        link.heal();

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> echo.accepted() == 0);
    }

    @Test
    void shouldCloseTheClientOneLatencyAfterTheFarSideRefuses() throws Exception {
        InterRegionLink link = link(Duration.ofMillis(40));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Socket client = connect(link.openEntry(NEAR, closedPort, "test"));
        client.setSoTimeout(5000);
        long started = System.nanoTime();

        int read;
        try {
            read = client.getInputStream().read();
        } catch (IOException e) {
            read = -1;
        }

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(read).isEqualTo(-1);
        assertThat(millis).as("SYN there, reset back: one round trip").isGreaterThanOrEqualTo(75);
        await().atMost(Duration.ofSeconds(2)).until(() -> link.status().connections() == 0);
    }

    @Test
    void shouldKeepTheOrderWhenTheLatencyDrops() throws Exception {
        InterRegionLink link = link(Duration.ofMillis(200));
        EchoServer echo = echo();
        Socket client = connect(link.openEntry(NEAR, echo.port(), "test"));
        client.getOutputStream().write(new byte[] {1});

        link.latency(Duration.ZERO);
        client.getOutputStream().write(new byte[] {2});

        client.setSoTimeout(5000);
        assertThat(client.getInputStream().readNBytes(2)).containsExactly(1, 2);
    }

    @Test
    void shouldPassTheEndOfAStreamAcrossAndCloseOnceBothSidesEnded() throws Exception {
        InterRegionLink link = link(Duration.ofMillis(5));
        EchoServer echo = echo();
        Socket client = connect(link.openEntry(NEAR, echo.port(), "test"));
        client.getOutputStream().write(new byte[] {9, 8});

        client.shutdownOutput();

        client.setSoTimeout(5000);
        assertThat(client.getInputStream().readAllBytes()).containsExactly(9, 8);
        await().atMost(Duration.ofSeconds(5)).until(() -> link.status().connections() == 0);
    }

    @Test
    void shouldRejectALatencyOutsideItsRange() {
        InterRegionLink link = link(Duration.ZERO);

        assertThatThrownBy(() -> link.latency(Duration.ofMillis(-1)))
                .hasMessage("the link's one-way latency must be between 0 and PT10S, but was PT-0.001S");
        assertThatThrownBy(() -> link.openEntry("westus", 5432, "test"))
                .hasMessage("the link joins centralindia and southindia, but region 'westus' was given");
    }

    private InterRegionLink link(Duration latency) {
        InterRegionLink link = new InterRegionLink(FAR, NEAR, latency, Clock.systemUTC());
        closeables.add(link);
        return link;
    }

    private EchoServer echo() throws IOException {
        EchoServer server = new EchoServer();
        closeables.add(server);
        return server;
    }

    private Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        closeables.add(socket);
        return socket;
    }

    /** Sends {@code size} bytes and reads them back; returns the nanoseconds it took. */
    private static long roundTrip(Socket client, int size) throws IOException {
        byte[] message = new byte[size];
        long started = System.nanoTime();
        client.getOutputStream().write(message);
        client.getInputStream().readNBytes(size);
        return System.nanoTime() - started;
    }

    /** Echoes every byte back on each connection; counts the connections it accepted. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Threads.startDaemon("echo-accept", this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    Threads.startDaemon("echo", () -> echo(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void echo(Socket s) {
            byte[] buffer = new byte[64 * 1024];
            try (s;
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
                s.shutdownOutput();
            } catch (IOException e) {
                // The client went away.
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
