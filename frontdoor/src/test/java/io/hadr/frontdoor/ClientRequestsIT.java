package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.steady;
import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.frontdoor.testing.Http;
import io.hadr.frontdoor.testing.Http.RawResponse;
import io.hadr.frontdoor.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the front door does with requests that are large, malformed, slow or carry forwarding
 * headers: it answers those it refuses itself, in JSON like its other errors, and never blames an
 * origin for a client's request.
 */
class ClientRequestsIT {

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
    void shouldForwardLargeHeadersWithinTheLimitAndAnswer431AboveItWithoutBlamingTheOrigin() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        RawResponse twentyKb =
                Http.raw(frontDoor.endpoint(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000));
        RawResponse fortyKb =
                Http.raw(frontDoor.endpoint(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000));

        assertThat(twentyKb.status()).isEqualTo(200);
        assertThat(twentyKb.body()).isEqualTo("app");
        assertThat(app.lastRequestHeaders().get("X-Big")).hasSize(20_000);
        assertThat(fortyKb.status()).isEqualTo(431);
        assertThat(fortyKb.header("Content-Type")).contains("application/json");
        assertThat(fortyKb.header(FrontDoor.ERROR_INFO_HEADER)).contains("InvalidRequest");
        assertThat(fortyKb.header("X-Azure-Ref")).isPresent();
        assertThat(fortyKb.body())
                .startsWith(
                        "{\"status\":431,\"error\":\"Request Header Fields Too Large\","
                                + "\"errorInfo\":\"InvalidRequest\",\"message\":\"the request headers are larger than the front door accepts");
        assertThat(app.requests()).isEqualTo(1);
        assertThat(frontDoor.origin("app").failures()).isZero();
        assertThat(frontDoor.prometheusMetrics())
                .contains("hadr_frontdoor_error_responses_total{error_info=\"InvalidRequest\"} 1")
                .doesNotContain("error_info=\"InvalidRequest\"} 1\nhadr_frontdoor_origin")
                .doesNotContain("origin=\"app\",error_info=\"InvalidRequest\"");
    }

    @Test
    void shouldAnswer414ForAUrlOrQueryLongerThanAzureAcceptsWithoutBlamingTheOrigin() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        RawResponse longPath = Http.raw(frontDoor.endpoint(), "GET /" + "p".repeat(9_000) + " HTTP/1.1\r\nHost: x");
        RawResponse longQuery = Http.raw(frontDoor.endpoint(), "GET /?q=" + "q".repeat(5_000) + " HTTP/1.1\r\nHost: x");
        RawResponse withinLimits =
                Http.raw(frontDoor.endpoint(), "GET /?q=" + "q".repeat(4_000) + " HTTP/1.1\r\nHost: x");

        assertThat(longPath.status()).isEqualTo(414);
        assertThat(longPath.header(FrontDoor.ERROR_INFO_HEADER)).contains("InvalidRequest");
        assertThat(longPath.body())
                .contains("\"message\":\"the URL is ")
                .contains("bytes; the front door accepts at most 8192\"");
        assertThat(longQuery.status()).isEqualTo(414);
        assertThat(longQuery.body())
                .contains("\"message\":\"the query string is 5002 bytes; the front door accepts at most 4096\"");
        assertThat(withinLimits.status()).isEqualTo(200);
        assertThat(app.requests()).isEqualTo(1);
        assertThat(frontDoor.origin("app").failures()).isZero();
    }

    @Test
    void shouldAnswerAMalformedRequestWithJson() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        RawResponse response = Http.raw(frontDoor.endpoint(), "GET / HTTP/1.1\r\nHost: x\r\nBad Header: spaces");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).contains("application/json");
        assertThat(response.body())
                .startsWith("{\"status\":400,\"error\":\"Bad Request\",\"errorInfo\":\"InvalidRequest\","
                        + "\"message\":\"the request is not valid HTTP\"");
        assertThat(app.requests()).isZero();
    }

    @Test
    void shouldPassClientForwardedAndXRealIpThroughUnchangedLikeAzure() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().origin(origin(app, 1, 50)).build());

        Http.raw(
                frontDoor.endpoint(),
                "GET / HTTP/1.1\r\nHost: x\r\nForwarded: for=203.0.113.9;proto=https\r\n" + "X-Real-IP: 203.0.113.9");

        assertThat(app.lastRequestHeaders().get("Forwarded")).isEqualTo("for=203.0.113.9;proto=https");
        assertThat(app.lastRequestHeaders().get("X-Real-IP")).isEqualTo("203.0.113.9");
        assertThat(app.lastRequestHeaders().get("X-Azure-SocketIP")).isEqualTo("127.0.0.1");
        assertThat(app.lastRequestHeaders().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldAnswer408AndCloseWhenAClientTricklesItsHeadersPastTheDeadline() throws Exception {
        TestOrigin app = newOrigin("app");
        FrontDoor frontDoor = start(steady().requestHeadersTimeout(Duration.ofSeconds(1))
                .origin(origin(app, 1, 50))
                .build());
        byte[] request = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);

        String answer;
        int sent = 0;
        try (Socket slow =
                new Socket(frontDoor.endpoint().getHost(), frontDoor.endpoint().getPort())) {
            slow.setSoTimeout(200);
            OutputStream out = slow.getOutputStream();
            InputStream in = slow.getInputStream();
            StringBuilder received = new StringBuilder();
            // One byte every 200 ms: each byte resets the idle timeout, only the deadline can end this. The whole
            // request would take 14 s; the deadline is 1 s.
            while (sent < request.length) {
                try {
                    out.write(request[sent]);
                    out.flush();
                    sent++;
                } catch (IOException closedByFrontDoor) {
                    break;
                }
                if (readAvailable(in, received)) {
                    break;
                }
            }
            slow.setSoTimeout(10_000);
            readAvailable(in, received);
            answer = received.toString();
        }

        assertThat(sent).as("bytes sent before the front door gave up").isLessThan(request.length);
        assertThat(answer)
                .startsWith("HTTP/1.1 408 Request Timeout\r\n")
                .contains("Connection: close")
                .contains("\"errorInfo\":\"UnspecifiedClientError\"")
                .contains("\"message\":\"the request headers were not complete within 1 s\"");
        assertThat(app.requests()).isZero();
        assertThat(Http.get(frontDoor.endpoint()).body())
                .as("others are served as before")
                .isEqualTo("app");
    }

    /** Reads what the front door sent until it closes the connection or the read times out; true once closed. */
    private static boolean readAvailable(InputStream in, StringBuilder into) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            for (int n = in.read(buffer); ; n = in.read(buffer)) {
                if (n < 0) {
                    return true;
                }
                into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (java.net.SocketTimeoutException nothingYet) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
