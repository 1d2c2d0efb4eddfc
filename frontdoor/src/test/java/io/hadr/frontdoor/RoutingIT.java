package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.awaitHealthy;
import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.probing;
import static io.hadr.frontdoor.testing.TestConfigs.steady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hadr.frontdoor.testing.Http;
import io.hadr.frontdoor.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Azure's routing rules against real origins on loopback. */
class RoutingIT {

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

    /** Sends {@code count} GETs, {@code parallel} at a time, and counts answers by serving origin (body). */
    private static Map<String, Integer> spread(URI uri, int count, int parallel) {
        Map<String, Integer> counts = new HashMap<>();
        for (int sent = 0; sent < count; sent += parallel) {
            List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(parallel, count - sent); i++) {
                batch.add(Http.getAsync(uri));
            }
            for (CompletableFuture<HttpResponse<String>> future : batch) {
                HttpResponse<String> response = future.join();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                counts.merge(response.body(), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void shouldSendEverythingToThePriorityOneOrigin() {
        TestOrigin primary = newOrigin("primary");
        TestOrigin secondary = newOrigin("secondary");
        FrontDoor frontDoor = start(steady().origin(origin(primary, 1, 50))
                .origin(origin(secondary, 2, 1000))
                .build());

        Map<String, Integer> counts = spread(frontDoor.endpoint(), 40, 4);

        assertThat(counts).containsExactly(Map.entry("primary", 40));
        assertThat(secondary.requests()).isZero();
        assertThat(frontDoor.origin("primary").requestsServed()).isEqualTo(40);
    }

    @Test
    void shouldSplitByWeightWithinFivePercentOverTwoThousandRequests() {
        TestOrigin light = newOrigin("light");
        TestOrigin heavy = newOrigin("heavy");
        FrontDoor frontDoor = start(steady()
                // A wide latency band keeps probe-latency jitter on a busy machine out of the split.
                .additionalLatency(Duration.ofMillis(1000))
                .origin(origin(light, 1, 300))
                .origin(origin(heavy, 1, 700))
                .build());

        Map<String, Integer> counts = spread(frontDoor.endpoint(), 2000, 8);

        assertThat(counts.get("light")).isBetween(600 - 100, 600 + 100);
        assertThat(counts.get("heavy")).isBetween(1400 - 100, 1400 + 100);
        assertThat(light.requests() + heavy.requests()).isEqualTo(2000);
    }

    @Test
    void shouldKeepTrafficOnOriginsWithinTheLatencyBand() {
        TestOrigin near = newOrigin("near");
        // Far enough that a busy machine's jitter on the near origin's probe cannot bridge the gap, and well within
        // the probe interval, which is also the probe's timeout.
        TestOrigin far = newOrigin("far").probeDelay(Duration.ofMillis(400));
        FrontDoorConfig.Builder config = steady().probeInterval(Duration.ofSeconds(3))
                .origin(origin(near, 1, 50))
                .origin(origin(far, 1, 50));
        FrontDoor narrowBand =
                start(config.additionalLatency(Duration.ofMillis(50)).build());
        FrontDoor wideBand =
                start(config.additionalLatency(Duration.ofMillis(1000)).build());

        Map<String, Integer> narrow = spread(narrowBand.endpoint(), 40, 4);
        Map<String, Integer> wide = spread(wideBand.endpoint(), 40, 4);

        assertThat(narrowBand.origin("far").routingLatency())
                .hasValueSatisfying(latency -> assertThat(latency).isGreaterThanOrEqualTo(Duration.ofMillis(400)));
        assertThat(narrow).containsExactly(Map.entry("near", 40));
        assertThat(wide).containsOnly(Map.entry("near", 20), Map.entry("far", 20));
    }

    @Test
    void shouldSpreadOverEveryEnabledOriginWhenAllAreUnhealthy() {
        TestOrigin a = newOrigin("a").healthStatus(503);
        TestOrigin b = newOrigin("b").healthStatus(503);
        TestOrigin off = newOrigin("off").healthStatus(503);
        FrontDoor frontDoor = start(steady().origin(origin(a, 1, 50))
                .origin(origin(b, 2, 50))
                .origin(origin(off, 1, 50).withEnabled(false))
                .build());

        Map<String, Integer> counts = spread(frontDoor.endpoint(), 40, 1);

        assertThat(frontDoor.origins())
                .allSatisfy(status -> assertThat(status.healthy()).isFalse());
        assertThat(counts).containsOnly(Map.entry("a", 20), Map.entry("b", 20));
        assertThat(off.requests()).isZero();
    }

    @Test
    void shouldNeverSendTrafficToADisabledOrigin() {
        TestOrigin disabled = newOrigin("disabled");
        TestOrigin enabled = newOrigin("enabled");
        FrontDoor frontDoor = start(steady().origin(origin(disabled, 1, 1000).withEnabled(false))
                .origin(origin(enabled, 2, 1))
                .build());

        Map<String, Integer> counts = spread(frontDoor.endpoint(), 40, 4);

        assertThat(counts).containsExactly(Map.entry("enabled", 40));
        assertThat(disabled.requests()).isZero();
        assertThat(frontDoor.origin("disabled").healthy())
                .as("disabled origins are still probed")
                .isTrue();
    }

    @Test
    void shouldApplyOriginUpdatesAtRuntimeWithoutRestart() {
        TestOrigin a = newOrigin("a");
        TestOrigin b = newOrigin("b");
        FrontDoor frontDoor = start(steady().additionalLatency(Duration.ofMillis(1000))
                .origin(origin(a, 1, 100))
                .origin(origin(b, 2, 100))
                .build());
        URI endpoint = frontDoor.endpoint();

        Map<String, Integer> before = spread(endpoint, 10, 1);
        frontDoor.updateOrigin("a", OriginUpdate.disable());
        Map<String, Integer> aDisabled = spread(endpoint, 10, 1);
        frontDoor.updateOrigin("a", OriginUpdate.enable().withWeight(100));
        OriginStatus bNow = frontDoor.updateOrigin("b", OriginUpdate.priority(1).withWeight(300));
        Map<String, Integer> shared = spread(endpoint, 40, 1);

        assertThat(before).containsExactly(Map.entry("a", 10));
        assertThat(aDisabled).containsExactly(Map.entry("b", 10));
        assertThat(bNow.priority()).isEqualTo(1);
        assertThat(bNow.weight()).isEqualTo(300);
        assertThat(shared).containsOnly(Map.entry("a", 10), Map.entry("b", 30));
        assertThat(frontDoor.origin("a").enabled()).isTrue();
        assertThatThrownBy(() -> frontDoor.updateOrigin("c", OriginUpdate.disable()))
                .isInstanceOf(UnknownOriginException.class)
                .hasMessage("no origin named 'c'; the front door has a, b");
        assertThatThrownBy(() -> frontDoor.updateOrigin("a", OriginUpdate.weight(5000)))
                .hasMessage("weight must be between 1 and 1000, but was 5000");
    }

    @Test
    void shouldKeepAClientOnItsOriginWithTheAslbsaCookie() {
        TestOrigin a = newOrigin("a");
        TestOrigin b = newOrigin("b");
        FrontDoor frontDoor = start(probing()
                .sessionAffinity(true)
                .additionalLatency(Duration.ofMillis(1000))
                .origin(origin(a, 1, 50))
                .origin(origin(b, 1, 50))
                .build());
        awaitHealthy(frontDoor, "a", "b");

        HttpResponse<String> first = Http.get(frontDoor.endpoint());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        String pair = cookie.substring(0, cookie.indexOf(';'));
        List<String> sticky = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = Http.get(frontDoor.endpoint(), "Cookie", pair);
            sticky.add(response.body());
            assertThat(response.headers().allValues("Set-Cookie"))
                    .as("no new cookie while the origin stays")
                    .isEmpty();
        }
        Map<String, Integer> withoutCookie = spread(frontDoor.endpoint(), 20, 1);

        assertThat(cookie).matches("ASLBSA=[0-9a-f]{64}; Path=/; HttpOnly");
        assertThat(sticky).containsOnly(first.body());
        assertThat(withoutCookie).containsOnly(Map.entry("a", 10), Map.entry("b", 10));

        TestOrigin chosen = first.body().equals("a") ? a : b;
        chosen.healthStatus(503);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !frontDoor.origin(chosen.name()).healthy());
        HttpResponse<String> moved = Http.get(frontDoor.endpoint(), "Cookie", pair);

        assertThat(moved.body()).isNotEqualTo(first.body());
        assertThat(moved.headers().firstValue("Set-Cookie"))
                .hasValueSatisfying(c -> assertThat(c).startsWith("ASLBSA="));
    }
}
