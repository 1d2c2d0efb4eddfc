package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.awaitHealthy;
import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.probing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.hadr.frontdoor.testing.Http;
import io.hadr.frontdoor.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Adding and removing origins while the front door serves, as scaling an app out and in does. */
class OriginScalingIT {

    private final List<AutoCloseable> resources = new ArrayList<>();

    /**
     * Probes every 2 s; healthy with 1 of the last 2 probes, so an origin becomes healthy at its first good
     * probe and only two failed probes in a row (not one a busy machine made late) take it out; a latency band
     * wide enough that probe jitter never splits origins of equal priority.
     */
    private static FrontDoorConfig.Builder config() {
        return probing()
                .probeInterval(Duration.ofSeconds(2))
                .sampleSize(2)
                .successfulSamplesRequired(1)
                .additionalLatency(Duration.ofSeconds(1));
    }

    private final List<HealthTransition> transitions = new CopyOnWriteArrayList<>();

    private TestOrigin newOrigin(String name) {
        TestOrigin origin = TestOrigin.start(name);
        resources.add(origin);
        return origin;
    }

    private FrontDoor start(FrontDoorConfig config) {
        FrontDoor frontDoor = FrontDoor.start(config);
        frontDoor.addHealthListener(transitions::add);
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
    void shouldSendTrafficToAnAddedOriginOnlyOnceItsProbesPass() {
        TestOrigin first = newOrigin("first");
        TestOrigin second = newOrigin("second").healthStatus(503);
        FrontDoor frontDoor = start(config().origin(origin(first, 1, 50)).build());
        awaitHealthy(frontDoor, "first");
        transitions.clear();

        OriginStatus added = frontDoor.addOrigin(origin(second, 1, 50));
        await().atMost(Duration.ofSeconds(15)).until(() -> second.probes().size() >= 2);
        for (int i = 0; i < 10; i++) {
            assertThat(Http.get(frontDoor.endpoint()).body()).isEqualTo("first");
        }
        second.healthStatus(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> frontDoor.origin("second").healthy());
        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            servedBy.add(Http.get(frontDoor.endpoint()).body());
        }

        assertThat(added.healthy()).isFalse();
        assertThat(added.recentProbes()).isEmpty();
        assertThat(second.requests()).isEqualTo(5);
        assertThat(servedBy)
                .containsOnly("first", "second")
                .filteredOn("second"::equals)
                .hasSize(5);
        assertThat(transitions)
                .extracting(HealthTransition::origin, HealthTransition::from, HealthTransition::to)
                .containsExactly(tuple("second", OriginHealth.UNHEALTHY, OriginHealth.HEALTHY));
        assertThat(frontDoor.origins()).extracting(OriginStatus::name).containsExactly("first", "second");
        assertThat(frontDoor.prometheusMetrics()).contains("hadr_frontdoor_origin_healthy{origin=\"second\"} 1");
    }

    @Test
    void shouldLetRequestsInFlightFinishWhenAnOriginIsRemovedAndRouteNewOnesElsewhere() {
        TestOrigin leaving = newOrigin("leaving");
        TestOrigin staying = newOrigin("staying");
        FrontDoor frontDoor = start(config().origin(origin(leaving, 1, 50))
                .origin(origin(staying, 2, 50))
                .build());
        awaitHealthy(frontDoor, "leaving", "staying");
        CompletableFuture<HttpResponse<String>> inFlight =
                Http.getAsync(frontDoor.endpoint().resolve("/held"));
        await().atMost(Duration.ofSeconds(10)).until(() -> leaving.heldRequests() == 1);

        CompletableFuture<OriginStatus> drained = frontDoor.removeOrigin("leaving");
        boolean drainedWhileHeld = drained.isDone();
        HttpResponse<String> afterRemoval = Http.get(frontDoor.endpoint());
        leaving.releaseHeld();
        HttpResponse<String> held = inFlight.join();
        OriginStatus last = drained.join();

        assertThat(drainedWhileHeld).isFalse();
        assertThat(afterRemoval.body()).isEqualTo("staying");
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(held.body()).isEqualTo("leaving");
        assertThat(last.name()).isEqualTo("leaving");
        assertThat(last.requestsServed()).isEqualTo(1);
        assertThat(leaving.requests()).isEqualTo(1);
        assertThat(frontDoor.origins()).extracting(OriginStatus::name).containsExactly("staying");
        assertThat(frontDoor.prometheusMetrics()).doesNotContain("origin=\"leaving\"");
        assertThatThrownBy(() -> frontDoor.origin("leaving")).isInstanceOf(UnknownOriginException.class);
    }

    @Test
    void shouldStopProbingARemovedOrigin() {
        TestOrigin leaving = newOrigin("leaving");
        TestOrigin staying = newOrigin("staying");
        FrontDoor frontDoor = start(config().origin(origin(leaving, 1, 50))
                .origin(origin(staying, 2, 50))
                .build());
        awaitHealthy(frontDoor, "leaving", "staying");
        transitions.clear();

        frontDoor.removeOrigin("leaving").join();
        int leavingProbesAtRemoval = leaving.probes().size();
        int stayingProbesAtRemoval = staying.probes().size();
        await().atMost(Duration.ofSeconds(15)).until(() -> staying.probes().size() >= stayingProbesAtRemoval + 3);

        assertThat(leaving.probes().size())
                .as("at most a probe already on its way")
                .isLessThanOrEqualTo(leavingProbesAtRemoval + 1);
        assertThat(transitions).isEmpty();
    }

    @Test
    void shouldRefuseAnOriginWhoseNameIsTakenAndAcceptTheNameAgainAfterRemoval() {
        TestOrigin app = newOrigin("app");
        TestOrigin other = newOrigin("other");
        FrontDoor frontDoor = start(config().origin(origin(app, 1, 50)).build());

        assertThatThrownBy(() -> frontDoor.addOrigin(OriginConfig.of("app", other.address())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("origin names must be unique, but 'app' already exists");
        frontDoor.removeOrigin("app").join();
        frontDoor.addOrigin(OriginConfig.of("app", other.address()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> frontDoor.origin("app").healthy());

        assertThat(Http.get(frontDoor.endpoint()).body()).isEqualTo("other");
    }
}
