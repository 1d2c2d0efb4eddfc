package io.hadr.drill.spec;

import java.time.Duration;
import java.util.List;

/**
 * The steady-state hypothesis: what must hold before the method starts (or it does not start) and
 * again after it ends (or the drill deviated). Traffic probes judge the traffic of {@code window}.
 */
public record SteadyState(Duration window, List<Probe> probes) {

    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(3);

    public SteadyState {
        probes = List.copyOf(probes);
    }
}
