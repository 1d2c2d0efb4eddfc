package io.hadr.frontdoor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.HealthTransition;
import io.hadr.frontdoor.OriginConfig;
import io.hadr.frontdoor.OriginHealth;
import io.hadr.frontdoor.OriginStatus;
import io.hadr.frontdoor.OriginUpdate;
import io.hadr.frontdoor.UnknownOriginException;
import io.hadr.toolkit.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OriginGroupTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final MutableClock clock = new MutableClock(T0);

    private OriginGroup group(FrontDoorConfig.Builder builder) {
        return new OriginGroup(builder.clock(clock).build());
    }

    private static OriginConfig origin(String name, int port, int priority, int weight) {
        return OriginConfig.of(name, URI.create("http://127.0.0.1:" + port), priority, weight);
    }

    private static void probeAll(OriginGroup group, boolean success, Duration latency) {
        for (OriginState origin : group.origins()) {
            group.recordProbe(origin, success, latency);
        }
    }

    private static Map<String, Integer> route(OriginGroup group, int requests) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            String name = group.select(null, Set.of()).orElseThrow().name();
            counts.merge(name, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void shouldSendAllTrafficToLowestPriorityHealthyOrigin() {
        OriginGroup group = group(
                FrontDoorConfig.builder().origin(origin("primary", 1, 1, 50)).origin(origin("secondary", 2, 2, 50)));
        probeAll(group, true, Duration.ofMillis(5));

        Map<String, Integer> counts = route(group, 100);

        assertThat(counts).containsExactly(Map.entry("primary", 100));
    }

    @Test
    void shouldFailOverAfterSampleSizeMinusRequiredPlusOneFailedProbesAndBackAfterRequiredSuccesses() {
        OriginGroup group = group(
                FrontDoorConfig.builder().origin(origin("primary", 1, 1, 50)).origin(origin("secondary", 2, 2, 50)));
        List<HealthTransition> transitions = new ArrayList<>();
        group.addListener(transitions::add);
        probeAll(group, true, Duration.ofMillis(5));
        OriginState primary = group.origin("primary");
        OriginState secondary = group.origin("secondary");

        clock.advance(Duration.ofSeconds(1));
        group.recordProbe(primary, false, Duration.ofMillis(5));
        group.recordProbe(secondary, true, Duration.ofMillis(5));
        String afterOneFailure = group.select(null, Set.of()).orElseThrow().name();
        clock.advance(Duration.ofSeconds(1));
        group.recordProbe(primary, false, Duration.ofMillis(5));
        String afterTwoFailures = group.select(null, Set.of()).orElseThrow().name();

        assertThat(afterOneFailure).isEqualTo("primary");
        assertThat(afterTwoFailures).isEqualTo("secondary");
        assertThat(transitions)
                .containsExactly(new HealthTransition(
                        "primary",
                        OriginHealth.HEALTHY,
                        OriginHealth.UNHEALTHY,
                        T0.plusSeconds(2),
                        "probes ✓✓✗✗ (2 of last 4 succeeded, 3 required)"));

        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            group.recordProbe(primary, true, Duration.ofMillis(5));
        }

        assertThat(group.select(null, Set.of()).orElseThrow().name()).isEqualTo("primary");
        assertThat(transitions).hasSize(2);
        assertThat(transitions.get(1).to()).isEqualTo(OriginHealth.HEALTHY);
        assertThat(transitions.get(1).at()).isEqualTo(T0.plusSeconds(5));
        assertThat(primary.status().lastProbeAt()).contains(T0.plusSeconds(5));
    }

    @Test
    void shouldSplitByWeightExactlyAmongEqualPriorityAndLatency() {
        OriginGroup group = group(FrontDoorConfig.builder()
                .origin(origin("a", 1, 1, 100))
                .origin(origin("b", 2, 1, 300))
                .origin(origin("c", 3, 1, 600)));
        probeAll(group, true, Duration.ofMillis(5));

        Map<String, Integer> counts = route(group, 1000);

        assertThat(counts).containsEntry("a", 100).containsEntry("b", 300).containsEntry("c", 600);
    }

    @Test
    void shouldKeepOnlyOriginsWithinTheLatencyBand() {
        OriginGroup group = group(FrontDoorConfig.builder()
                .additionalLatency(Duration.ofMillis(50))
                .origin(origin("fast", 1, 1, 50))
                .origin(origin("near", 2, 1, 50))
                .origin(origin("far", 3, 1, 50)));
        group.recordProbe(group.origin("fast"), true, Duration.ofMillis(10));
        group.recordProbe(group.origin("near"), true, Duration.ofMillis(60));
        group.recordProbe(group.origin("far"), true, Duration.ofMillis(61));

        Map<String, Integer> counts = route(group, 100);

        assertThat(counts).containsOnlyKeys("fast", "near");
        assertThat(counts.get("fast")).isEqualTo(50);
    }

    @Test
    void shouldApplyTheLatencyBandAfterPriority() {
        OriginGroup group = group(FrontDoorConfig.builder()
                .additionalLatency(Duration.ZERO)
                .origin(origin("slow-primary", 1, 1, 50))
                .origin(origin("fast-secondary", 2, 2, 50)));
        group.recordProbe(group.origin("slow-primary"), true, Duration.ofMillis(500));
        group.recordProbe(group.origin("fast-secondary"), true, Duration.ofMillis(1));

        assertThat(route(group, 10)).containsExactly(Map.entry("slow-primary", 10));
    }

    @Test
    void shouldRoundRobinOverAllEnabledOriginsWhenNoneIsHealthy() {
        OriginGroup group = group(FrontDoorConfig.builder()
                .origin(origin("a", 1, 1, 1))
                .origin(origin("b", 2, 2, 1000))
                .origin(origin("off", 3, 1, 1000).withEnabled(false)));
        probeAll(group, false, Duration.ofMillis(5));

        Map<String, Integer> counts = route(group, 100);

        assertThat(counts).containsOnly(Map.entry("a", 50), Map.entry("b", 50));
    }

    @Test
    void shouldNeverRouteToDisabledOrigin() {
        OriginGroup group = group(FrontDoorConfig.builder()
                .origin(origin("a", 1, 1, 50).withEnabled(false))
                .origin(origin("b", 2, 2, 50)));
        probeAll(group, true, Duration.ofMillis(5));

        assertThat(route(group, 50)).containsExactly(Map.entry("b", 50));

        group.update("b", OriginUpdate.disable());

        assertThat(group.select(null, Set.of())).isEmpty();
    }

    @Test
    void shouldApplyRuntimeUpdates() {
        OriginGroup group =
                group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)).origin(origin("b", 2, 2, 50)));
        probeAll(group, true, Duration.ofMillis(5));

        OriginStatus status = group.update("b", OriginUpdate.priority(1).withWeight(150));
        Map<String, Integer> counts = route(group, 200);

        assertThat(status.priority()).isEqualTo(1);
        assertThat(status.weight()).isEqualTo(150);
        assertThat(counts).containsEntry("a", 50).containsEntry("b", 150);
        assertThatThrownBy(() -> group.update("c", OriginUpdate.disable()))
                .isInstanceOf(UnknownOriginException.class)
                .hasMessage("no origin named 'c'; the front door has a, b");
    }

    @Test
    void shouldStickToAffinityOriginWhileItStaysHealthy() {
        OriginGroup group =
                group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)).origin(origin("b", 2, 1, 50)));
        probeAll(group, true, Duration.ofMillis(5));
        String tokenOfB = group.origin("b").affinityToken();

        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            chosen.add(group.select(tokenOfB, Set.of()).orElseThrow().name());
        }
        for (int i = 0; i < 2; i++) {
            group.recordProbe(group.origin("b"), false, Duration.ofMillis(5));
        }
        String afterBFailed = group.select(tokenOfB, Set.of()).orElseThrow().name();

        assertThat(chosen).containsOnly("b");
        assertThat(afterBFailed).isEqualTo("a");
    }

    @Test
    void shouldSkipExcludedOriginsForRetryAndFallBackToUnhealthyOnes() {
        OriginGroup group =
                group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)).origin(origin("b", 2, 2, 50)));
        group.recordProbe(group.origin("a"), true, Duration.ofMillis(5));
        group.recordProbe(group.origin("b"), false, Duration.ofMillis(5));

        OriginState retryTarget = group.select(null, Set.of(group.origin("a"))).orElseThrow();
        boolean anyLeft =
                group.select(null, Set.of(group.origin("a"), group.origin("b"))).isPresent();

        assertThat(retryTarget.name()).isEqualTo("b");
        assertThat(anyLeft).isFalse();
    }

    @Test
    void shouldMarkOriginDownOnRefusedConnectionOnlyWithPassiveHealth() {
        OriginGroup azureLike = group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)));
        OriginGroup passive = group(
                FrontDoorConfig.builder().passiveHealthOnConnectionRefused(true).origin(origin("a", 1, 1, 50)));
        probeAll(azureLike, true, Duration.ofMillis(5));
        probeAll(passive, true, Duration.ofMillis(5));

        azureLike.recordConnectionRefused(azureLike.origin("a"));
        passive.recordConnectionRefused(passive.origin("a"));

        assertThat(azureLike.origin("a").isHealthy()).isTrue();
        assertThat(passive.origin("a").isHealthy()).isFalse();

        passive.recordProbe(passive.origin("a"), true, Duration.ofMillis(5));

        assertThat(passive.origin("a").isHealthy()).isTrue();
    }

    @Test
    void shouldReportStatusWithProbeHistoryAndLatencies() {
        OriginGroup group = group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)));
        OriginState a = group.origin("a");
        group.recordProbe(a, true, Duration.ofMillis(10));
        group.recordProbe(a, false, Duration.ofMillis(900));
        group.recordProbe(a, true, Duration.ofMillis(30));

        OriginStatus status = a.status();

        assertThat(status.recentProbes()).containsExactly(true, true, false, true);
        assertThat(status.probeHistory()).isEqualTo("✓✓✗✓");
        assertThat(status.lastProbeLatency()).contains(Duration.ofMillis(30));
        assertThat(status.routingLatency()).contains(Duration.ofNanos(50_000_000L / 3));
        assertThat(status.healthy()).isTrue();
        assertThat(status.lastProbeAt()).contains(T0);
    }

    @Test
    void shouldStartAnAddedOriginUnhealthyAndRouteToItOnceRequiredProbesSucceed() {
        OriginGroup group = group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)));
        List<HealthTransition> transitions = new ArrayList<>();
        group.addListener(transitions::add);
        probeAll(group, true, Duration.ofMillis(5));

        OriginState b = group.add(origin("b", 2, 1, 50));
        OriginStatus fresh = b.status();
        Map<String, Integer> beforeProbes = route(group, 10);
        group.recordProbe(b, true, Duration.ofMillis(5));
        group.recordProbe(b, true, Duration.ofMillis(5));
        Map<String, Integer> afterTwoProbes = route(group, 10);
        clock.advance(Duration.ofSeconds(1));
        group.recordProbe(b, true, Duration.ofMillis(5));
        Map<String, Integer> afterThreeProbes = route(group, 10);

        assertThat(fresh.healthy()).isFalse();
        assertThat(fresh.recentProbes()).isEmpty();
        assertThat(beforeProbes).containsExactly(Map.entry("a", 10));
        assertThat(afterTwoProbes).containsExactly(Map.entry("a", 10));
        assertThat(afterThreeProbes).containsOnly(Map.entry("a", 5), Map.entry("b", 5));
        assertThat(transitions)
                .containsExactly(new HealthTransition(
                        "b",
                        OriginHealth.UNHEALTHY,
                        OriginHealth.HEALTHY,
                        T0.plusSeconds(1),
                        "probes ✓✓✓ (3 of last 3 succeeded, 3 required)"));
        assertThat(group.origins()).extracting(OriginState::name).containsExactly("a", "b");
    }

    @Test
    void shouldRefuseToAddAnOriginWhoseNameOrAddressIsTaken() {
        OriginGroup group = group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)));

        assertThatThrownBy(() -> group.add(origin("a", 2, 1, 50)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("origin names must be unique, but 'a' already exists");
        assertThatThrownBy(() -> group.add(origin("b", 1, 1, 50)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("origin addresses must be unique, but 'a' already uses http://127.0.0.1:1 (adding 'b')");
    }

    @Test
    void shouldStopRoutingToARemovedOriginAndCompleteItsDrainWhenTheLastRequestEnds() {
        OriginGroup group =
                group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)).origin(origin("b", 2, 2, 50)));
        probeAll(group, true, Duration.ofMillis(5));
        OriginState first = group.acquire(null, Set.of()).orElseThrow();
        OriginState second = group.acquire(null, Set.of()).orElseThrow();

        CompletableFuture<OriginStatus> drained = group.remove("a");
        boolean doneWithTwoInFlight = drained.isDone();
        Map<String, Integer> afterRemoval = route(group, 10);
        first.release();
        boolean doneWithOneInFlight = drained.isDone();
        second.release();

        assertThat(first).isSameAs(second);
        assertThat(first.name()).isEqualTo("a");
        assertThat(doneWithTwoInFlight).isFalse();
        assertThat(doneWithOneInFlight).isFalse();
        assertThat(drained).isCompletedWithValueMatching(status -> status.name().equals("a"));
        assertThat(afterRemoval).containsExactly(Map.entry("b", 10));
        assertThat(group.origins()).extracting(OriginState::name).containsExactly("b");
        assertThatThrownBy(() -> group.origin("a")).isInstanceOf(UnknownOriginException.class);
    }

    @Test
    void shouldCompleteTheRemovalAtOnceWhenNoRequestIsInFlightAndLeaveAnEmptyGroupWithoutEligibleOrigin() {
        OriginGroup group = group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)));
        probeAll(group, true, Duration.ofMillis(5));

        CompletableFuture<OriginStatus> drained = group.remove("a");

        assertThat(drained).isDone();
        assertThat(group.select(null, Set.of())).isEmpty();
        assertThatThrownBy(() -> group.remove("a"))
                .isInstanceOf(UnknownOriginException.class)
                .hasMessage("no origin named 'a'; the front door has none");
    }

    @Test
    void shouldIgnoreAProbeResultThatArrivesAfterTheOriginWasRemoved() {
        OriginGroup group =
                group(FrontDoorConfig.builder().origin(origin("a", 1, 1, 50)).origin(origin("b", 2, 1, 50)));
        List<HealthTransition> transitions = new ArrayList<>();
        group.addListener(transitions::add);
        probeAll(group, true, Duration.ofMillis(5));
        OriginState a = group.origin("a");
        group.remove("a");

        for (int i = 0; i < 4; i++) {
            group.recordProbe(a, false, Duration.ofMillis(5));
        }

        assertThat(transitions).isEmpty();
    }
}
