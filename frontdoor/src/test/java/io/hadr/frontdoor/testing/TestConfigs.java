package io.hadr.frontdoor.testing;

import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.OriginConfig;
import java.time.Duration;

/** Front door configurations that run quickly in tests. */
public final class TestConfigs {

    /**
     * Also each probe's timeout: long enough that a probe on loopback never fails because the
     * machine is busy (tests run on two shared cores), short enough for quick health changes.
     */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private TestConfigs() {
    }

    /** Probes {@code /health} every second, origin response timeout 5 s (non-Azure timing), Azure's 4/3 samples. */
    public static FrontDoorConfig.Builder fast() {
        return FrontDoorConfig.builder()
                .allowNonAzureTimings(true)
                .frontDoorId("11111111-2222-3333-4444-555555555555")
                .probePath("/health")
                .probeInterval(PROBE_INTERVAL)
                .originResponseTimeout(Duration.ofSeconds(5));
    }

    public static OriginConfig origin(TestOrigin origin, int priority, int weight) {
        return OriginConfig.of(origin.name(), origin.address(), priority, weight);
    }
}
