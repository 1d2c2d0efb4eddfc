package io.hadr.drill.spec;

import java.time.Duration;
import java.util.List;

/**
 * A drill read from a file (or a built-in one), its regions resolved against the topology it
 * will run on.
 *
 * @param name the drill's name: a built-in name or the file's name without {@code .yaml}
 * @param source where it came from, for messages
 * @param rto the RTO objective the file sets, or null for the topology's
 * @param rpo the RPO objective the file sets, or null for the topology's
 * @param method the steps that make the disaster and the recovery
 */
public record Drill(
        String name,
        String title,
        String description,
        String source,
        Traffic traffic,
        SteadyState steadyState,
        Duration rto,
        Duration rpo,
        List<Step> method,
        Rollbacks rollbacks,
        List<Safeguard> safeguards) {

    public Drill {
        method = List.copyOf(method);
        safeguards = List.copyOf(safeguards);
    }
}
