package io.hadr.core.topology;

import java.time.Duration;
import java.util.List;

/**
 * Azure Front Door's profile, endpoint and origin group, as the topology describes them.
 *
 * @param frontDoorId the profile's {@code frontDoorId}, sent to origins as {@code X-Azure-FDID}; when the
 *     topology does not give one, a stand-in derived from the name (Azure assigns the real one, and the
 *     local environment makes a random one per state directory)
 * @param probe the origin group's health probe settings
 * @param loadBalancing the origin group's load-balancing settings
 * @param originResponseTimeout how long to wait for an origin's response headers
 * @param sessionAffinity whether the {@code ASLBSA} affinity cookie is used
 * @param retryOnNextOrigin hadr's improvement over Azure: retry once on another origin when the
 *     request never reached an app (on by default)
 * @param origins one origin per region, in the order of the regions
 * @param frontDoorIdGiven whether the topology file set {@code frontDoorId} itself
 */
public record FrontDoorSpec(
        String frontDoorId,
        Probe probe,
        LoadBalancing loadBalancing,
        Duration originResponseTimeout,
        boolean sessionAffinity,
        boolean retryOnNextOrigin,
        List<Origin> origins,
        boolean frontDoorIdGiven) {

    public FrontDoorSpec {
        origins = List.copyOf(origins);
    }

    /** A front door whose id was given explicitly. */
    public FrontDoorSpec(
            String frontDoorId,
            Probe probe,
            LoadBalancing loadBalancing,
            Duration originResponseTimeout,
            boolean sessionAffinity,
            boolean retryOnNextOrigin,
            List<Origin> origins) {
        this(
                frontDoorId,
                probe,
                loadBalancing,
                originResponseTimeout,
                sessionAffinity,
                retryOnNextOrigin,
                origins,
                true);
    }

    /** The origin of a region. */
    public Origin origin(String regionId) {
        return origins.stream()
                .filter(o -> o.regionId().equals(regionId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no origin for region " + regionId));
    }

    /** {@code healthProbeSettings}: path, request type, protocol, interval. */
    public record Probe(String path, ProbeMethod method, ProbeProtocol protocol, Duration interval) {}

    /** {@code loadBalancingSettings}. */
    public record LoadBalancing(int sampleSize, int successfulSamplesRequired, Duration additionalLatency) {}

    /** One origin: a region's app, with its routing settings. */
    public record Origin(String regionId, int priority, int weight, boolean enabled) {}
}
