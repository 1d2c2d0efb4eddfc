package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.steady;
import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.frontdoor.testing.Http;
import io.hadr.frontdoor.testing.Http.RawResponse;
import io.hadr.frontdoor.testing.TestOrigin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the front door does to requests and responses on their way, and how it answers failures. */
class ProxyingIT {

    private static final String FDID = "11111111-2222-3333-4444-555555555555";

    private final List<AutoCloseable> resources = new ArrayList<>();

    private TestOrigin newOrigin(String name) {
        TestOrigin origin = TestOrigin.start(name);
        resources.add(origin);
        return origin;
    }

    private FrontDoor start(FrontDoorConfig config) {
        FrontDoor frontDoor = FrontDoor.start(config);
        resources.add(0, frontDoor);
        return frontDoor;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void shouldAddAzureRequestHeadersAndStripHopByHopAndClientXfdHeaders() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        RawResponse response = Http.raw(
                frontDoor.endpoint(),
                String.join(
                        "\r\n",
                        "GET /headers?q=1&x=%20y HTTP/1.1",
                        "Host: www.contoso.test",
                        "Connection: X-Secret-Hop",
                        "X-Secret-Hop: must-not-pass",
                        "Keep-Alive: timeout=5",
                        "Proxy-Authorization: Basic Zm9vOmJhcg==",
                        "TE: trailers",
                        "X-FD-HealthProbe: 1",
                        "X-FD-Custom: spoof",
                        "X-Forwarded-For: 203.0.113.7",
                        "X-Forwarded-Host: evil.test",
                        "X-Forwarded-Proto: https",
                        "X-Azure-FDID: spoofed",
                        "X-Azure-Ref: spoofed",
                        "X-Azure-SocketIP: 6.6.6.6",
                        "Via: 1.1 corp-proxy",
                        "X-App-Header: kept"));

        HttpFields toOrigin = app.lastRequestHeaders();
        assertThat(response.status()).isEqualTo(200);
        assertThat(app.lastRequestTarget()).isEqualTo("/headers?q=1&x=%20y");
        assertThat(TestOrigin.names(toOrigin))
                .doesNotContain(
                        "connection",
                        "x-secret-hop",
                        "keep-alive",
                        "proxy-authorization",
                        "te",
                        "x-fd-healthprobe",
                        "x-fd-custom");
        assertThat(toOrigin.get("Host")).isEqualTo("127.0.0.1:" + app.port());
        assertThat(toOrigin.get("X-App-Header")).isEqualTo("kept");
        assertThat(toOrigin.get("Via")).isEqualTo("1.1 corp-proxy, 1.1 Azure");
        assertThat(toOrigin.get("X-Azure-ClientIP")).isEqualTo("203.0.113.7");
        assertThat(toOrigin.get("X-Azure-SocketIP")).isEqualTo("127.0.0.1");
        assertThat(toOrigin.get("X-Azure-RequestChain")).isEqualTo("hops=1");
        assertThat(toOrigin.get("X-Azure-FDID")).isEqualTo(FDID);
        assertThat(toOrigin.get("X-Forwarded-For")).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(toOrigin.get("X-Forwarded-Host")).isEqualTo("www.contoso.test");
        assertThat(toOrigin.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(toOrigin.get("X-Azure-Ref"))
                .isNotBlank()
                .isNotEqualTo("spoofed")
                .isEqualTo(response.header("X-Azure-Ref").orElseThrow());
    }

    @Test
    void shouldReturnOriginHeadersWithAzureRefAndXCacheButNoHopByHopHeaders() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        RawResponse response =
                Http.raw(frontDoor.endpoint(), "GET /headers HTTP/1.1\r\nHost: x\r\nX-Azure-DebugInfo: 1");

        assertThat(response.header("X-Origin-Header")).contains("yes");
        assertThat(response.header("X-Origin-Name")).contains("app");
        assertThat(response.headerValues("Set-Cookie")).containsExactly("app=1; Path=/");
        assertThat(response.header("X-Cache")).contains("CONFIG_NOCACHE");
        assertThat(response.header("X-Azure-Ref"))
                .hasValueSatisfying(ref -> assertThat(ref).startsWith("0").hasSizeGreaterThan(20));
        assertThat(response.header("X-Azure-OriginStatusCode")).contains("200");
        assertThat(response.headerNames()).doesNotContain("keep-alive", "proxy-connection");
        assertThat(response.body()).isEqualTo("app");
    }

    @Test
    void shouldGiveEveryRequestItsOwnAzureRef() {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        Set<String> refs = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            refs.add(Http.get(frontDoor.endpoint())
                    .headers()
                    .firstValue("X-Azure-Ref")
                    .orElseThrow());
        }

        assertThat(refs).hasSize(100);
    }

    @Test
    void shouldRelayMethodsBodiesAndStatusesUnchanged() {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());
        URI upload = frontDoor.endpoint().resolve("/upload");

        HttpResponse<String> post = Http.send(HttpRequest.newBuilder(upload)
                .POST(HttpRequest.BodyPublishers.ofString("hello world"))
                .build());
        HttpResponse<String> put = Http.send(HttpRequest.newBuilder(upload)
                .PUT(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .build());
        HttpResponse<String> head = Http.send(HttpRequest.newBuilder(frontDoor.endpoint())
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
        HttpResponse<String> probePathThroughProxy =
                Http.get(frontDoor.endpoint().resolve("/health"));

        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("hello world".getBytes());
        assertThat(post.body()).isEqualTo("bytes=11 crc=" + crc.getValue());
        assertThat(put.body()).startsWith("bytes=100000 ");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).contains("3");
        assertThat(probePathThroughProxy.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer504OriginTimeoutWhenTheOriginHangs() {
        TestOrigin hanging = newOrigin("hanging");
        FrontDoor frontDoor = start(steady().originResponseTimeout(Duration.ofSeconds(1))
                .origin(origin(hanging, 1, 50))
                .build());

        long started = System.nanoTime();
        HttpResponse<String> response = Http.get(frontDoor.endpoint().resolve("/hang"));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue(FrontDoor.ERROR_INFO_HEADER)).contains("OriginTimeout");
        assertThat(response.headers().firstValue("X-Azure-Ref")).isPresent();
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body())
                .isEqualTo("{\"status\":504,\"error\":\"Gateway Timeout\",\"errorInfo\":\"OriginTimeout\","
                        + "\"message\":\"the origin did not answer within the origin response timeout\",\"origin\":\"hanging\","
                        + "\"azureRef\":\""
                        + response.headers().firstValue("X-Azure-Ref").orElseThrow() + "\"}\n");
        // Not before the 1 s timeout, and not waiting for the origin, which never answers (the test client gives up at
        // 20 s).
        assertThat(waited).isBetween(Duration.ofMillis(950), Duration.ofSeconds(10));
        assertThat(frontDoor.prometheusMetrics())
                .contains("hadr_frontdoor_error_responses_total{error_info=\"OriginTimeout\"} 1")
                .contains("hadr_frontdoor_origin_failures_total{origin=\"hanging\",error_info=\"OriginTimeout\"} 1");
        assertThat(frontDoor.origin("hanging").healthy())
                .as("a slow answer is no reason to leave the origin")
                .isTrue();
    }

    @Test
    void shouldNotRetryATimedOutRequestOnAnotherOrigin() {
        TestOrigin hanging = newOrigin("hanging");
        TestOrigin other = newOrigin("other");
        FrontDoor frontDoor = start(steady().originResponseTimeout(Duration.ofMillis(500))
                .origin(origin(hanging, 1, 50))
                .origin(origin(other, 2, 50))
                .build());

        HttpResponse<String> response = Http.get(frontDoor.endpoint().resolve("/hang"));

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(other.requests()).isZero();
    }

    @Test
    void shouldAnswer503OriginConnectionRefusedWhenNothingListens() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        FrontDoor frontDoor = start(steady().origin("gone", URI.create("http://127.0.0.1:" + closedPort), 1, 50)
                .build());

        HttpResponse<String> response = Http.get(frontDoor.endpoint());
        HttpResponse<String> post =
                Http.send(HttpRequest.newBuilder(frontDoor.endpoint().resolve("/upload"))
                        .POST(HttpRequest.BodyPublishers.ofString("data"))
                        .build());
        HttpResponse<String> debug = Http.get(frontDoor.endpoint(), "X-Azure-DebugInfo", "1");

        assertThat(response.headers().firstValue("X-Azure-ExternalError"))
                .as("only on request")
                .isEmpty();
        assertThat(debug.headers().firstValue("X-Azure-ExternalError"))
                .hasValueSatisfying(error -> assertThat(error).contains("Connection refused"));
        assertThat(frontDoor.origin("gone").healthy()).isFalse();
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue(FrontDoor.ERROR_INFO_HEADER)).contains("OriginConnectionRefused");
        assertThat(response.body())
                .startsWith("{\"status\":503,\"error\":\"Service Unavailable\","
                        + "\"errorInfo\":\"OriginConnectionRefused\",\"message\":\"the front door could not connect to the origin\","
                        + "\"origin\":\"gone\"");
        assertThat(post.statusCode()).isEqualTo(503);
    }

    @Test
    void shouldRetryAPostOnTheNextOriginWhenItsConnectionIsRefused() throws Exception {
        TestOrigin down = newOrigin("down");
        TestOrigin up = newOrigin("up");
        FrontDoor frontDoor = start(
                steady().origin(origin(down, 1, 50)).origin(origin(up, 2, 50)).build());
        down.stop();

        HttpResponse<String> post =
                Http.send(HttpRequest.newBuilder(frontDoor.endpoint().resolve("/upload"))
                        .POST(HttpRequest.BodyPublishers.ofString("payload"))
                        .build());

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.headers().firstValue("X-Origin-Name")).contains("up");
        assertThat(post.body()).startsWith("bytes=7 ");
        assertThat(frontDoor.origin("down").failures()).isEqualTo(1);
    }

    @Test
    void shouldRetryOnlyIdempotentRequestsWhenTheConnectionClosesBeforeAnyAnswer() {
        TestOrigin closing = newOrigin("closing").closeConnections(true);
        TestOrigin healthy = newOrigin("healthy");
        FrontDoor frontDoor = start(steady().origin(origin(closing, 1, 50))
                .origin(origin(healthy, 2, 50))
                .build());
        URI upload = frontDoor.endpoint().resolve("/upload");

        HttpResponse<String> get = Http.get(frontDoor.endpoint());
        HttpResponse<String> delete =
                Http.send(HttpRequest.newBuilder(frontDoor.endpoint()).DELETE().build());
        HttpResponse<String> post = Http.send(HttpRequest.newBuilder(upload)
                .POST(HttpRequest.BodyPublishers.ofString("once only"))
                .build());
        HttpResponse<String> patch = Http.send(HttpRequest.newBuilder(frontDoor.endpoint())
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build());

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("healthy");
        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(post.headers().firstValue(FrontDoor.ERROR_INFO_HEADER)).contains("OriginConnectionAborted");
        assertThat(patch.statusCode()).isEqualTo(503);
        assertThat(healthy.requests()).isEqualTo(2);
        assertThat(frontDoor.prometheusMetrics()).contains("hadr_frontdoor_retries_total{origin=\"closing\"} 2");
    }

    @Test
    void shouldAnswerEveryRequestWhoseOriginConnectionClosesWithAzuresErrorWhateverTheTiming() {
        TestOrigin closing = newOrigin("closing").closeConnections(true);
        FrontDoor frontDoor = start(steady().origin(origin(closing, 1, 50)).build());
        URI upload = frontDoor.endpoint().resolve("/upload");
        Map<String, Integer> outcomes = new TreeMap<>();

        // Whether the origin's close is noticed while the body is sent or while the answer is awaited depends on
        // timing; hundreds of tries cover both orders, and every one must get Azure's answer, never a bare 500.
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> response = Http.send(HttpRequest.newBuilder(upload)
                    .method(i % 2 == 0 ? "POST" : "PATCH", HttpRequest.BodyPublishers.ofString("x".repeat(i * 20)))
                    .build());
            outcomes.merge(
                    response.statusCode() + " "
                            + response.headers()
                                    .firstValue(FrontDoor.ERROR_INFO_HEADER)
                                    .orElse("-"),
                    1,
                    Integer::sum);
        }

        assertThat(outcomes).containsExactly(Map.entry("503 OriginConnectionAborted", 300));
    }

    @Test
    void shouldAnswer502OriginInvalidResponseWhenTheOriginDoesNotSpeakHttp() throws Exception {
        try (ServerSocket garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(
                    () -> {
                        while (!garbage.isClosed()) {
                            try (Socket connection = garbage.accept()) {
                                connection.getInputStream().read(new byte[4096]);
                                connection
                                        .getOutputStream()
                                        .write("HELLO THERE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                                connection.getOutputStream().flush();
                                Thread.sleep(100);
                            } catch (IOException | InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "garbage-origin");
            answering.setDaemon(true);
            answering.start();
            FrontDoor frontDoor =
                    start(steady().origin("garbage", URI.create("http://127.0.0.1:" + garbage.getLocalPort()), 1, 50)
                            .build());

            HttpResponse<String> response = Http.get(frontDoor.endpoint());

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue(FrontDoor.ERROR_INFO_HEADER))
                    .contains("OriginInvalidResponse");
        }
    }

    @Test
    void shouldAnswer502WhenTheOriginsResponseHeadersAreLargerThanTheFrontDoorAccepts() {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        HttpResponse<String> small = Http.get(frontDoor.endpoint().resolve("/bigheaders?bytes=30000"));
        HttpResponse<String> large =
                Http.get(frontDoor.endpoint().resolve("/bigheaders?bytes=40000"), "X-Azure-DebugInfo", "1");

        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        assertThat(large.statusCode()).as(large.headers() + " " + large.body()).isEqualTo(502);
        assertThat(large.headers().firstValue(FrontDoor.ERROR_INFO_HEADER)).contains("OriginInvalidResponse");
    }

    @Test
    void shouldAnswer503NoEligibleOriginWhenEveryOriginIsDisabled() {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor =
                start(steady().origin(origin(app, 1, 50).withEnabled(false)).build());

        HttpResponse<String> response = Http.get(frontDoor.endpoint());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue(FrontDoor.ERROR_INFO_HEADER)).contains("NoEligibleOrigin");
        assertThat(app.requests()).isZero();
    }
}
