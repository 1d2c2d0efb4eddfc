package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.steady;
import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.frontdoor.testing.TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 on the client's connection, byte for byte: requests that could be smuggled past the
 * front door are refused, pipelined requests are answered in order, bodies of unknown length pass
 * in chunks both ways, HTTP/1.0 clients get their answer delimited by the close, and a client that
 * expects {@code 100 Continue} gets it before it sends its body.
 */
class HttpConnectionsIT {

    private final List<AutoCloseable> resources = new ArrayList<>();

    private FrontDoor start(FrontDoorConfig config) {
        FrontDoor frontDoor = FrontDoor.start(config);
        resources.add(0, frontDoor);
        return frontDoor;
    }

    private TestOrigin newOrigin(String name) {
        TestOrigin origin = TestOrigin.start(name);
        resources.add(origin);
        return origin;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void shouldRefuseRequestsWhoseBodyLengthIsAmbiguousSoThatNothingCanBeSmuggledToTheOrigin() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());
        String smuggled = "GET /hidden HTTP/1.1\r\nHost: x\r\n\r\n";

        Exchange both = exchange(
                frontDoor.endpoint(),
                "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + (5 + smuggled.length())
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
                2);
        Exchange twoLengths = exchange(
                frontDoor.endpoint(),
                "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n" + "Content-Length: " + smuggled.length()
                        + "\r\n\r\n" + smuggled,
                2);

        assertThat(both.responses()).hasSize(1);
        assertThat(both.responses().get(0).status()).isEqualTo(400);
        assertThat(both.responses().get(0).body()).contains("\"errorInfo\":\"InvalidRequest\"");
        assertThat(both.closed()).isTrue();
        assertThat(twoLengths.responses()).hasSize(1);
        assertThat(twoLengths.responses().get(0).status()).isEqualTo(400);
        assertThat(twoLengths.closed()).isTrue();
        assertThat(app.requests()).isZero();
    }

    @Test
    void shouldAnswer400AndCloseWhenAChunkedBodyIsMalformed() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        Exchange malformed = exchange(
                frontDoor.endpoint(),
                "POST /upload HTTP/1.1\r\nHost: x\r\n" + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                1);

        assertThat(malformed.responses()).extracting(Response::status).containsExactly(400);
        assertThat(malformed.responses().get(0).body()).contains("\"errorInfo\":\"InvalidRequest\"");
        assertThat(malformed.closed()).isTrue();
        assertThat(frontDoor.origin("app").failures())
                .as("the client's fault, not the origin's")
                .isZero();
    }

    @Test
    void shouldCutTheAnswerAtOnceWhenTheOriginsChunksAreMalformed() throws Exception {
        try (java.net.ServerSocket garbage =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(
                    () -> {
                        while (!garbage.isClosed()) {
                            try {
                                Socket connection = garbage.accept();
                                // Probes and the request alike; each connection is kept open, so only the malformed
                                // chunk can end the answer early.
                                Thread each = new Thread(
                                        () -> {
                                            try (connection) {
                                                connection.getInputStream().read(new byte[4096]);
                                                connection
                                                        .getOutputStream()
                                                        .write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                                        + "3\r\nabc\r\nzz\r\n")
                                                                .getBytes(StandardCharsets.US_ASCII));
                                                connection.getOutputStream().flush();
                                                connection.getInputStream().read();
                                            } catch (IOException e) {
                                                // closed by the front door or the test
                                            }
                                        },
                                        "garbage-origin-connection");
                                each.setDaemon(true);
                                each.start();
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "garbage-origin");
            answering.setDaemon(true);
            answering.start();
            FrontDoor frontDoor = start(steady().originResponseTimeout(java.time.Duration.ofSeconds(60))
                    .origin("garbage", URI.create("http://127.0.0.1:" + garbage.getLocalPort()), 1, 50)
                    .build());

            long started = System.nanoTime();
            Exchange cut = exchange(frontDoor.endpoint(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1);
            java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);

            assertThat(cut.responses()).hasSize(1);
            assertThat(cut.responses().get(0).status()).isEqualTo(200);
            assertThat(cut.responses().get(0).complete())
                    .as("the status line was gone, so the answer is cut")
                    .isFalse();
            assertThat(cut.responses().get(0).body()).isEqualTo("abc");
            assertThat(cut.closed()).isTrue();
            assertThat(took).as("not left to the origin response timeout").isLessThan(java.time.Duration.ofSeconds(20));
            assertThat(frontDoor.origin("garbage").failures()).isEqualTo(1);
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderOnOneConnection() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        Exchange pipelined = exchange(
                frontDoor.endpoint(),
                "GET /headers HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /chunked?pieces=3 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                4);

        assertThat(pipelined.responses()).extracting(Response::status).containsExactly(200, 200, 200, 200);
        assertThat(pipelined.responses().get(0).headers()).containsEntry("x-origin-header", "yes");
        assertThat(pipelined.responses().get(1).body()).isEqualTo("bytes=5 crc=" + crc("hello"));
        assertThat(pipelined.responses().get(2).body()).isEqualTo("piece0;piece1;piece2;");
        assertThat(pipelined.responses().get(3).body()).isEmpty();
        assertThat(pipelined.closed())
                .as("closed after the request that asked for it")
                .isTrue();
        assertThat(app.requests()).isEqualTo(4);
    }

    @Test
    void shouldRelayAChunkedUploadAndAnAnswerOfUnknownLengthInChunks() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        Exchange upload = exchange(
                frontDoor.endpoint(),
                "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                1);
        Exchange download = exchange(frontDoor.endpoint(), "GET /chunked?pieces=50 HTTP/1.1\r\nHost: x\r\n\r\n", 1);

        assertThat(upload.responses().get(0).body()).isEqualTo("bytes=11 crc=" + crc("hello world"));
        Response chunked = download.responses().get(0);
        assertThat(chunked.headers())
                .containsEntry("transfer-encoding", "chunked")
                .doesNotContainKey("content-length");
        assertThat(chunked.body()).startsWith("piece0;piece1;").endsWith("piece49;");
        assertThat(download.closed()).as("kept alive").isFalse();
    }

    @Test
    void shouldAnswerAnHttp10ClientAndCloseTheConnection() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        Exchange known = exchange(frontDoor.endpoint(), "GET / HTTP/1.0\r\nHost: x\r\n\r\n", 1);
        Exchange unknownLength = exchange(frontDoor.endpoint(), "GET /chunked?pieces=3 HTTP/1.0\r\n\r\n", 1);

        assertThat(known.responses().get(0).body()).isEqualTo("app");
        assertThat(known.responses().get(0).headers()).containsEntry("connection", "close");
        assertThat(known.closed()).isTrue();
        assertThat(app.lastRequestHeaders().get("Via")).isEqualTo("1.0 Azure");
        assertThat(unknownLength.responses().get(0).headers()).doesNotContainKey("transfer-encoding");
        assertThat(unknownLength.responses().get(0).body()).isEqualTo("piece0;piece1;piece2;");
        assertThat(unknownLength.closed()).isTrue();
    }

    @Test
    void shouldSend100ContinueBeforeTheClientSendsTheBodyItAnnounced() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        String interim;
        Response answer;
        try (Socket socket =
                new Socket(frontDoor.endpoint().getHost(), frontDoor.endpoint().getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            out.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            interim = readLine(in) + "|" + readLine(in);
            out.write("data".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            answer = readResponse(in, false);
        }

        assertThat(interim).isEqualTo("HTTP/1.1 100 Continue|");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("bytes=4 crc=" + crc("data"));
        assertThat(app.lastRequestHeaders().get("Expect"))
                .as("not passed on: the front door answered it")
                .isNull();
    }

    // ---- a raw HTTP/1.1 client ----

    /** An answer; {@code complete} is false when the connection ended in the middle of its body. */
    private record Response(int status, Map<String, String> headers, String body, boolean complete) {}

    private record Exchange(List<Response> responses, boolean closed) {}

    /** Writes {@code bytes} at once and reads up to {@code expected} answers, then whether the connection closed. */
    private static Exchange exchange(URI endpoint, String bytes, int expected) throws IOException {
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            List<Response> responses = new ArrayList<>();
            boolean http10 = bytes.contains(" HTTP/1.0\r\n");
            for (int i = 0; i < expected; i++) {
                Response response = readResponse(in, nthRequestIsHead(bytes, i), http10);
                if (response == null) {
                    break;
                }
                responses.add(response);
            }
            socket.setSoTimeout(2_000);
            boolean closed;
            try {
                closed = in.read() < 0;
            } catch (java.net.SocketTimeoutException open) {
                closed = false;
            } catch (SocketException reset) {
                closed = true;
            }
            return new Exchange(responses, closed);
        }
    }

    private static boolean nthRequestIsHead(String bytes, int n) {
        java.util.regex.Matcher requestLine = java.util.regex.Pattern.compile("([A-Z]{3,7}) /\\S* HTTP/1\\.[01]\r\n")
                .matcher(bytes);
        for (int count = 0; requestLine.find(); count++) {
            if (count == n) {
                return requestLine.group(1).equals("HEAD");
            }
        }
        return false;
    }

    private static Response readResponse(InputStream in, boolean head) throws IOException {
        return readResponse(in, head, false);
    }

    /** One answer: body by Content-Length, by chunks, or (HTTP/1.0 without a length) up to the close; null at EOF. */
    private static Response readResponse(InputStream in, boolean head, boolean untilClose) throws IOException {
        String statusLine;
        try {
            statusLine = readLine(in);
        } catch (IOException closed) {
            return null;
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head) {
            return new Response(status, headers, "", true);
        }
        try {
            readBody(in, headers, untilClose, body);
        } catch (IOException cut) {
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8), false);
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8), true);
    }

    private static void readBody(
            InputStream in, Map<String, String> headers, boolean untilClose, ByteArrayOutputStream body)
            throws IOException {
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equals(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(readLine(in), 16); size > 0; size = Integer.parseInt(readLine(in), 16)) {
                body.write(in.readNBytes(size));
                readLine(in);
            }
            readLine(in);
        } else if (untilClose) {
            body.write(in.readAllBytes());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after '" + line + "'");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static long crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
