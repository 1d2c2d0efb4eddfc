package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.steady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hadr.frontdoor.testing.Http;
import io.hadr.frontdoor.testing.TestOrigin;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Starting, stopping and observing a front door. */
class LifecycleIT {

    private TestOrigin app;

    @BeforeEach
    void startOrigin() {
        app = TestOrigin.start("app");
        // Warm the shared test client so its own threads exist before any thread snapshot.
        assertThat(Http.get(app.address()).statusCode()).isEqualTo(200);
    }

    @AfterEach
    void stopOrigin() {
        app.close();
    }

    /** Live threads, without the test's own: origins ("origin-*") and the JDK HTTP client ("HttpClient-*"). */
    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> !thread.getName().startsWith("origin-")
                        && !thread.getName().startsWith("HttpClient-"))
                .collect(Collectors.toSet());
    }

    @Test
    void shouldLeaveNoThreadBehindAfterClose() {
        Set<Thread> before = liveThreads();
        FrontDoor frontDoor =
                FrontDoor.start(steady().origin(origin(app, 1, 50)).build());
        for (int i = 0; i < 20; i++) {
            assertThat(Http.get(frontDoor.endpoint()).statusCode()).isEqualTo(200);
        }
        Set<Thread> whileRunning = liveThreads();
        whileRunning.removeAll(before);

        frontDoor.close();
        frontDoor.close();

        assertThat(whileRunning).extracting(Thread::getName).anyMatch(name -> name.startsWith("hadr-frontdoor"));
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Set<Thread> left = liveThreads();
            left.removeAll(before);
            assertThat(left).extracting(Thread::getName).isEmpty();
        });
    }

    @Test
    void shouldRefuseToStartOnATakenPortWithAClearMessageAndNoThreadLeft() throws Exception {
        Set<Thread> before = liveThreads();
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> FrontDoor.start(
                            steady().port(port).origin(origin(app, 1, 50)).build()))
                    .isInstanceOf(FrontDoorException.class)
                    .hasMessageStartingWith("front door could not start on 127.0.0.1:" + port + ": ");
        }
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Set<Thread> left = liveThreads();
            left.removeAll(before);
            assertThat(left).extracting(Thread::getName).isEmpty();
        });
    }

    @Test
    void shouldListenOnTheConfiguredPort() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        try (FrontDoor frontDoor =
                FrontDoor.start(steady().port(port).origin(origin(app, 1, 50)).build())) {

            assertThat(frontDoor.endpoint()).isEqualTo(URI.create("http://127.0.0.1:" + port));
            assertThat(Http.get(frontDoor.endpoint()).body()).isEqualTo("app");
        }
    }

    @Test
    void shouldExposePrometheusMetricsThroughAMountableHandler() throws Exception {
        try (FrontDoor frontDoor =
                FrontDoor.start(steady().origin(origin(app, 1, 50)).build())) {
            for (int i = 0; i < 3; i++) {
                Http.get(frontDoor.endpoint());
            }
            Server control = new Server();
            ServerConnector connector = new ServerConnector(control);
            connector.setHost("127.0.0.1");
            control.addConnector(connector);
            ContextHandler metricsContext = new ContextHandler(frontDoor.metricsHandler(), "/metrics");
            metricsContext.setAllowNullPathInContext(true);
            control.setHandler(metricsContext);
            control.start();
            try {
                HttpResponse<String> metrics =
                        Http.get(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/metrics"));

                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
                assertThat(metrics.body())
                        .contains("# TYPE hadr_frontdoor_requests_total counter")
                        .contains("hadr_frontdoor_requests_total 3")
                        .contains("hadr_frontdoor_origin_requests_total{origin=\"app\"} 3")
                        .contains("hadr_frontdoor_origin_healthy{origin=\"app\"} 1")
                        .contains("hadr_frontdoor_origin_priority{origin=\"app\"} 1")
                        .containsPattern("hadr_frontdoor_probes_total\\{origin=\"app\",result=\"success\"} [1-9]")
                        .containsPattern("hadr_frontdoor_probe_latency_seconds\\{origin=\"app\"} 0\\.\\d{6}");
                assertThat(metrics.body().lines().filter(line -> !line.startsWith("#")))
                        .allMatch(line -> line.matches("[a-z_]+(\\{[^}]*})? [0-9.]+"));
            } finally {
                control.stop();
            }
        }
    }
}
