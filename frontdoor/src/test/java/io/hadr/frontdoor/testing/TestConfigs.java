package io.hadr.frontdoor.testing;

import static org.awaitility.Awaitility.await;

import io.hadr.frontdoor.FrontDoor;
import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.OriginConfig;
import java.time.Duration;

/**
 * Front door configurations for tests on a shared, busy machine.
 *
 * <p>The probe interval is also each probe's timeout, so a probe that the machine is too busy to
 * complete in time fails. Tests that need health to stay as the start made it use
 * {@link #steady()}, whose probes may take seconds; tests that watch health change use
 * {@link #probing()}, wait with {@link #awaitHealthy} for the start state they need, and assert
 * what happened in probes and order, not in seconds.
 */
public final class TestConfigs {

    /** Probe interval of {@link #steady()}: no probe on loopback takes this long, however busy the machine. */
    public static final Duration STEADY_PROBE_INTERVAL = Duration.ofSeconds(5);
    /** Probe interval of {@link #probing()}: short, so that health changes within a second or two. */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private TestConfigs() {}

    /** Probes {@code /health} every 5 s, origin response timeout 5 s (non-Azure timing), Azure's 4/3 samples. */
    public static FrontDoorConfig.Builder steady() {
        return FrontDoorConfig.builder()
                .frontDoorId("11111111-2222-3333-4444-555555555555")
                .probePath("/health")
                .probeInterval(STEADY_PROBE_INTERVAL)
                .originResponseTimeout(Duration.ofSeconds(5));
    }

    /** Like {@link #steady()}, probing every second. */
    public static FrontDoorConfig.Builder probing() {
        return steady().probeInterval(PROBE_INTERVAL);
    }

    public static OriginConfig origin(TestOrigin origin, int priority, int weight) {
        return OriginConfig.of(origin.name(), origin.address(), priority, weight);
    }

    /** Waits until every named origin counts as healthy (at most 15 s). */
    public static void awaitHealthy(FrontDoor frontDoor, String... origins) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (String origin : origins) {
                if (!frontDoor.origin(origin).healthy()) {
                    return false;
                }
            }
            return true;
        });
    }
}
