package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.probing;
import static io.hadr.frontdoor.testing.TestConfigs.steady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hadr.frontdoor.testing.TestOrigin;
import io.hadr.frontdoor.testing.TestOrigin.ProbeRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Health probes as Azure Front Door sends them. */
class ProbeIT {

    private TestOrigin app;
    private FrontDoor frontDoor;

    @AfterEach
    void closeAll() {
        if (frontDoor != null) {
            frontDoor.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void shouldProbeWithAzureHeadersAndANewConnectionEachTime() {
        app = TestOrigin.start("app");
        frontDoor = FrontDoor.start(steady().probeInterval(Duration.ofSeconds(2))
                .origin(origin(app, 1, 50))
                .build());

        await().atMost(Duration.ofSeconds(15)).until(() -> app.probes().size() >= 3);
        List<ProbeRecord> probes = app.probes();

        assertThat(probes).allSatisfy(probe -> {
            assertThat(probe.method()).isEqualTo("HEAD");
            assertThat(probe.path()).isEqualTo("/health");
            assertThat(probe.headers().get("User-Agent")).isEqualTo("Edge Health Probe");
            assertThat(probe.headers().get("X-FD-HealthProbe")).isEqualTo("1");
            assertThat(probe.headers().get("X-Azure-FDID")).isEqualTo("11111111-2222-3333-4444-555555555555");
        });
        assertThat(probes)
                .extracting(ProbeRecord::remotePort)
                .as("one TCP connection per probe")
                .doesNotHaveDuplicates();
        assertThat(frontDoor.origin("app").recentProbes()).containsOnly(true).hasSize(4);
    }

    @Test
    void shouldProbeWithGetWhenConfigured() {
        app = TestOrigin.start("app");
        frontDoor = FrontDoor.start(steady().probeInterval(Duration.ofSeconds(2))
                .probeRequestType(ProbeRequestType.GET)
                .origin(origin(app, 1, 50))
                .build());

        await().atMost(Duration.ofSeconds(10)).until(() -> app.probes().size() >= 2);

        assertThat(app.probes()).extracting(ProbeRecord::method).containsOnly("GET");
        assertThat(frontDoor.origin("app").healthy()).isTrue();
    }

    @Test
    void shouldCountOnlyStatus200AsHealthy() {
        app = TestOrigin.start("app").healthStatus(204);
        frontDoor = FrontDoor.start(probing().origin(origin(app, 1, 50)).build());

        boolean healthyWith204 = frontDoor.origin("app").healthy();
        app.healthStatus(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> frontDoor.origin("app").healthy());
        app.healthStatus(301);

        assertThat(healthyWith204).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !frontDoor.origin("app").healthy());
        assertThat(frontDoor.origin("app").probeHistory()).endsWith("✗✗");
    }

    @Test
    void shouldFailAProbeThatGetsNoAnswerWithinTheInterval() {
        app = TestOrigin.start("app").probeDelay(Duration.ofSeconds(10));
        frontDoor = FrontDoor.start(steady().probeInterval(Duration.ofMillis(300))
                .origin(origin(app, 1, 50))
                .build());

        OriginStatus status = frontDoor.origin("app");

        assertThat(status.healthy()).isFalse();
        assertThat(status.recentProbes()).containsOnly(false);
        assertThat(status.lastProbeLatency())
                .hasValueSatisfying(latency ->
                        // Cut at the interval, not waiting for the origin's late answer.
                        assertThat(latency).isBetween(Duration.ofMillis(280), Duration.ofSeconds(10)));
    }

    @Test
    void shouldMeasureProbeLatencyToTheLastByte() {
        app = TestOrigin.start("app").probeBodyDelay(Duration.ofMillis(300));
        frontDoor = FrontDoor.start(steady().probeInterval(Duration.ofSeconds(3))
                .probeRequestType(ProbeRequestType.GET)
                .origin(origin(app, 1, 50))
                .build());

        OriginStatus status = frontDoor.origin("app");

        assertThat(status.healthy()).isTrue();
        assertThat(status.lastProbeLatency())
                .hasValueSatisfying(latency -> assertThat(latency).isGreaterThanOrEqualTo(Duration.ofMillis(300)));
    }

    @Test
    void shouldStartDeterministicallyWithHealthFromTheFirstProbeRound() {
        app = TestOrigin.start("app");
        TestOrigin down = TestOrigin.start("down").healthStatus(503);
        try {
            frontDoor = FrontDoor.start(steady().probeInterval(Duration.ofSeconds(30))
                    .origin(origin(app, 1, 50))
                    .origin(origin(down, 1, 50))
                    .build());

            assertThat(frontDoor.origin("app").healthy()).isTrue();
            assertThat(frontDoor.origin("app").probeHistory()).isEqualTo("✓✓✓✓");
            assertThat(frontDoor.origin("down").healthy()).isFalse();
            assertThat(frontDoor.origin("down").probeHistory()).isEqualTo("✗✗✗✗");
            assertThat(app.probes()).hasSize(1);
        } finally {
            down.close();
        }
    }
}
