package io.hadr.frontdoor.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the origin for one request with Azure Front Door's decision flow ("Traffic routing methods
 * to origin"):
 *
 * <ol>
 *   <li>available origins: enabled and healthy;</li>
 *   <li>priority: the lowest priority value among them;</li>
 *   <li>latency: those within {@code additionalLatency} of the fastest (probe latency);</li>
 *   <li>weights: round robin in the ratio of the weights (smooth weighted round robin, so the
 *       split is exact over any run of requests, not only on average).</li>
 * </ol>
 *
 * <p>With session affinity, a client that holds an origin's token stays on it while it is enabled
 * and healthy ("subsequent requests are sent to the origin selected in the first request"). When
 * no enabled origin is healthy, Azure "considers all origins unhealthy and routes traffic in a round
 * robin distribution across all of them": plain round robin over every enabled origin. A disabled
 * origin never gets traffic.
 */
final class OriginSelector {

    private final Duration additionalLatency;
    private List<OriginState> lastBand = List.of();
    private long roundRobin;
    // The decision for requests without affinity or exclusions, kept until the origins or their state change
    // (a probe result, an update), so that most requests only advance the round robin.
    private List<OriginState> cachedOrigins;
    private long cachedVersion = -1;
    private List<OriginState> cachedEnabled = List.of();
    private List<OriginState> cachedBand = List.of();

    OriginSelector(Duration additionalLatency) {
        this.additionalLatency = additionalLatency;
    }

    /**
     * @param version a number that changes whenever an origin's settings, health or latency may
     *     have changed
     */
    synchronized Optional<OriginState> select(
            List<OriginState> origins, long version, String affinityToken, Set<OriginState> excluded) {
        if (affinityToken != null || !excluded.isEmpty()) {
            return select(origins, affinityToken, excluded);
        }
        if (origins != cachedOrigins || version != cachedVersion) {
            List<OriginState> enabled = new ArrayList<>(origins.size());
            List<OriginState> healthy = new ArrayList<>(origins.size());
            for (OriginState origin : origins) {
                if (origin.isEnabled()) {
                    enabled.add(origin);
                    if (origin.isHealthy()) {
                        healthy.add(origin);
                    }
                }
            }
            cachedEnabled = enabled;
            cachedBand = healthy.isEmpty() ? List.of() : latencyBand(topPriority(healthy));
            cachedOrigins = origins;
            cachedVersion = version;
        }
        if (cachedEnabled.isEmpty()) {
            return Optional.empty();
        }
        if (cachedBand.isEmpty()) {
            return Optional.of(cachedEnabled.get((int) (roundRobin++ % cachedEnabled.size())));
        }
        return Optional.of(weighted(cachedBand));
    }

    synchronized Optional<OriginState> select(
            List<OriginState> origins, String affinityToken, Set<OriginState> excluded) {
        List<OriginState> enabled = new ArrayList<>(origins.size());
        List<OriginState> healthy = new ArrayList<>(origins.size());
        for (OriginState origin : origins) {
            if (origin.isEnabled() && !excluded.contains(origin)) {
                enabled.add(origin);
                if (origin.isHealthy()) {
                    healthy.add(origin);
                }
            }
        }
        if (enabled.isEmpty()) {
            return Optional.empty();
        }
        if (affinityToken != null) {
            for (OriginState origin : healthy.isEmpty() ? enabled : healthy) {
                if (origin.affinityToken().equals(affinityToken)) {
                    return Optional.of(origin);
                }
            }
        }
        if (healthy.isEmpty()) {
            return Optional.of(enabled.get((int) (roundRobin++ % enabled.size())));
        }
        return Optional.of(weighted(latencyBand(topPriority(healthy))));
    }

    private static List<OriginState> topPriority(List<OriginState> healthy) {
        int best = Integer.MAX_VALUE;
        for (OriginState origin : healthy) {
            best = Math.min(best, origin.settings().priority());
        }
        List<OriginState> top = new ArrayList<>(healthy.size());
        for (OriginState origin : healthy) {
            if (origin.settings().priority() == best) {
                top.add(origin);
            }
        }
        return top;
    }

    private List<OriginState> latencyBand(List<OriginState> candidates) {
        Duration fastest = null;
        for (OriginState origin : candidates) {
            Duration latency = origin.routingLatency().orElse(null);
            if (latency != null && (fastest == null || latency.compareTo(fastest) < 0)) {
                fastest = latency;
            }
        }
        if (fastest == null) {
            // No latency known (only possible with successfulSamplesRequired 0): nothing to rank by.
            return candidates;
        }
        Duration limit = fastest.plus(additionalLatency);
        List<OriginState> band = new ArrayList<>(candidates.size());
        for (OriginState origin : candidates) {
            Duration latency = origin.routingLatency().orElse(null);
            if (latency != null && latency.compareTo(limit) <= 0) {
                band.add(origin);
            }
        }
        return band;
    }

    private OriginState weighted(List<OriginState> band) {
        if (band.size() == 1) {
            return band.get(0);
        }
        if (!band.equals(lastBand)) {
            // A new set of candidates starts a fresh cycle, so the split follows the new weights at once.
            for (OriginState origin : band) {
                origin.currentWeight = 0;
            }
            lastBand = List.copyOf(band);
        }
        int total = 0;
        OriginState best = null;
        for (OriginState origin : band) {
            int weight = origin.settings().weight();
            origin.currentWeight += weight;
            total += weight;
            if (best == null || origin.currentWeight > best.currentWeight) {
                best = origin;
            }
        }
        best.currentWeight -= total;
        return best;
    }
}
