package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.awaitHealthy;
import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.probing;
import static io.hadr.frontdoor.testing.TestConfigs.steady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.hadr.frontdoor.testing.Http;
import io.hadr.frontdoor.testing.SteadyTraffic;
import io.hadr.frontdoor.testing.SteadyTraffic.Outcome;
import io.hadr.frontdoor.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping the primary region's app: detection by probes, failover, failback, and what clients
 * see with and without hadr's retry.
 */
class FailoverIT {

    private static final int SAMPLE_SIZE = 4;
    private static final int REQUIRED = 3;

    private TestOrigin primary;
    private TestOrigin secondary;
    private FrontDoor frontDoor;
    private SteadyTraffic traffic;
    private final List<HealthTransition> transitions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startOrigins() {
        primary = TestOrigin.start("centralindia");
        secondary = TestOrigin.start("southindia");
    }

    @AfterEach
    void stopAll() {
        if (traffic != null) {
            traffic.close();
        }
        if (frontDoor != null) {
            frontDoor.close();
        }
        primary.close();
        secondary.close();
    }

    private void startFrontDoor(boolean retry) {
        frontDoor = FrontDoor.start(probing()
                .retryOnNextOrigin(retry)
                .sampleSize(SAMPLE_SIZE)
                .successfulSamplesRequired(REQUIRED)
                .origin(origin(primary, 1, 1000))
                .origin(origin(secondary, 2, 1000))
                .build());
        frontDoor.addHealthListener(transitions::add);
        // Both start healthy unless the machine was too busy for the first probe round; then they soon are.
        awaitHealthy(frontDoor, "centralindia", "southindia");
        transitions.clear();
    }

    @Test
    void shouldFailOverWithoutAnyFailedRequestWhenRetryIsOnAndFailBackWhenPrimaryReturns() throws Exception {
        startFrontDoor(true);
        traffic = SteadyTraffic.start(frontDoor.endpoint(), 50, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> primary.requests() >= 25);

        primary.stop();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> !frontDoor.origin("centralindia").healthy());
        long secondaryBefore = secondary.requests();
        await().atMost(Duration.ofSeconds(10)).until(() -> secondary.requests() >= secondaryBefore + 25);

        primary.restart();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> frontDoor.origin("centralindia").healthy());
        long primaryBack = primary.requests();
        await().atMost(Duration.ofSeconds(10)).until(() -> primary.requests() >= primaryBack + 25);
        List<Outcome> outcomes = traffic.stop();

        assertThat(outcomes).hasSizeGreaterThan(100);
        assertThat(outcomes)
                .as("no failed request while the primary stopped and returned")
                .allSatisfy(outcome ->
                        assertThat(outcome.status()).as(outcome.body()).isEqualTo(200));
        assertThat(outcomes.get(outcomes.size() - 1).body()).isEqualTo("centralindia");
        assertThat(outcomes.stream().map(Outcome::body).distinct()).contains("centralindia", "southindia");
        // Out after (sampleSize - successfulSamplesRequired + 1) failed probes, back after successfulSamplesRequired
        // good ones: counted in probes, not in seconds, so a busy machine cannot change the outcome.
        assertThat(transitions)
                .extracting(HealthTransition::origin, HealthTransition::to, HealthTransition::reason)
                .containsExactly(
                        tuple(
                                "centralindia",
                                OriginHealth.UNHEALTHY,
                                "probes ✓✓✗✗ (2 of last 4 succeeded, 3 required)"),
                        tuple("centralindia", OriginHealth.HEALTHY, "probes ✗✓✓✓ (3 of last 4 succeeded, 3 required)"));
        assertThat(frontDoor.prometheusMetrics())
                .containsPattern("hadr_frontdoor_retries_total\\{origin=\"centralindia\"} [1-9]")
                .contains("hadr_frontdoor_error_responses_total{error_info=\"OriginConnectionRefused\"} 0");
    }

    @Test
    void shouldLetClientsSeeAzuresErrorsUntilProbesNoticeWhenRetryIsOff() throws Exception {
        startFrontDoor(false);
        traffic = SteadyTraffic.start(frontDoor.endpoint(), 50, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> primary.requests() >= 25);

        long stoppedAt = System.nanoTime();
        primary.stop();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> !frontDoor.origin("centralindia").healthy());
        long detectedAt = System.nanoTime();
        long secondaryBefore = secondary.requests();
        await().atMost(Duration.ofSeconds(10)).until(() -> secondary.requests() >= secondaryBefore + 50);
        List<Outcome> outcomes = traffic.stop();

        List<Outcome> failed =
                outcomes.stream().filter(outcome -> !outcome.ok()).toList();
        assertThat(failed)
                .as("requests to the stopped primary before probes noticed")
                .isNotEmpty();
        assertThat(failed).allSatisfy(outcome -> {
            assertThat(outcome.status()).isEqualTo(503);
            assertThat(outcome.errorInfo()).isIn("OriginConnectionRefused", "OriginConnectionAborted");
            assertThat(outcome.body())
                    .contains("\"errorInfo\":\"" + outcome.errorInfo() + "\"")
                    .contains("\"origin\":\"centralindia\"");
            // Only requests that were still on their way when the primary stopped, or sent before probes noticed.
            assertThat(outcome.completedNanos()).isGreaterThanOrEqualTo(stoppedAt);
            assertThat(outcome.sentNanos()).isLessThanOrEqualTo(detectedAt);
        });
        assertThat(outcomes.stream().filter(o -> o.sentNanos() > detectedAt + 100_000_000L))
                .as("after detection everything goes to the secondary")
                .allSatisfy(o -> {
                    assertThat(o.status()).isEqualTo(200);
                    assertThat(o.body()).isEqualTo("southindia");
                });
        String metrics = frontDoor.prometheusMetrics();
        long refused = counter(metrics, "hadr_frontdoor_error_responses_total{error_info=\"OriginConnectionRefused\"}");
        long aborted = counter(metrics, "hadr_frontdoor_error_responses_total{error_info=\"OriginConnectionAborted\"}");
        assertThat(refused + aborted).isEqualTo(failed.size());
        assertThat(frontDoor.origin("centralindia").failures()).isEqualTo(failed.size());
        assertThat(metrics).contains("hadr_frontdoor_retries_total{origin=\"centralindia\"} 0");
    }

    @Test
    void shouldTakeAnOriginOutAtItsFirstRefusedConnectionWithPassiveHealth() {
        frontDoor = FrontDoor.start(steady().passiveHealthOnConnectionRefused(true)
                // Probes far apart, so that only the refused connection can explain the change.
                .probeInterval(Duration.ofSeconds(30))
                .origin(origin(primary, 1, 1000))
                .origin(origin(secondary, 2, 1000))
                .build());
        frontDoor.addHealthListener(transitions::add);
        primary.stop();

        HttpResponse<String> first = Http.get(frontDoor.endpoint());
        HttpResponse<String> second = Http.get(frontDoor.endpoint());

        assertThat(first.body()).isEqualTo("southindia");
        assertThat(second.body()).isEqualTo("southindia");
        assertThat(frontDoor.origin("centralindia").healthy()).isFalse();
        assertThat(frontDoor.origin("centralindia").failures())
                .as("only the first request tried the stopped origin")
                .isEqualTo(1);
        assertThat(transitions)
                .singleElement()
                .satisfies(transition -> assertThat(transition.reason()).contains("passive"));
    }

    private static long counter(String metrics, String series) {
        return metrics.lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToLong(line -> Long.parseLong(line.substring(series.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(series + " missing in\n" + metrics));
    }
}
