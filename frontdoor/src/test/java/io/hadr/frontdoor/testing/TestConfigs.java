package io.hadr.frontdoor.testing;

import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.OriginConfig;
import java.time.Duration;

/** Front door configurations that run quickly in tests. */
public final class TestConfigs {

    public static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

    private TestConfigs() {
    }

    /** Probes {@code /health} every 250 ms (non-Azure timing), origin timeout 5 s, Azure's 4/3 samples. */
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
