package io.hadr.core.topology;

import java.time.Duration;

/**
 * The local environment's settings (no meaning on Azure). Port 0 means "any free port".
 *
 * @param endpointPort the front door endpoint
 * @param appBasePort the first app instance's port; the others take the next ones
 * @param databaseBasePort the database servers take this port and the next; then the read-write
 *     and read-only listeners of the primary's region, then those of the secondary's region
 * @param controlPort the control API
 * @param interRegionLatency the one-way latency of the link between the regions, which replication
 *     and every cross-region database connection go through (Central India ↔ South India is about
 *     10 ms); it can be changed, partitioned and healed while the environment runs
 */
public record LocalSpec(
        int endpointPort, int appBasePort, int databaseBasePort, int controlPort, Duration interRegionLatency) {

    /** The default one-way latency between two regions about 1,000 km apart, as Central India and South India are. */
    public static final Duration DEFAULT_INTER_REGION_LATENCY = Duration.ofMillis(10);

    /** Ports the database servers and their listeners take from {@link #databaseBasePort}. */
    public static final int DATABASE_PORTS = 6;

    /** The given ports with the default inter-region latency. */
    public LocalSpec(int endpointPort, int appBasePort, int databaseBasePort, int controlPort) {
        this(endpointPort, appBasePort, databaseBasePort, controlPort, DEFAULT_INTER_REGION_LATENCY);
    }

    /** The same settings on free ports (every port 0), e.g. for an environment that must not collide with another. */
    public LocalSpec onFreePorts() {
        return new LocalSpec(0, 0, 0, 0, interRegionLatency);
    }
}
