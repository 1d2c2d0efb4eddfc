package io.hadr.geodb;

/**
 * Whether the failover group fails over by itself when the primary disappears.
 *
 * <p>Mirrors the Azure SQL failover group's {@code readWriteEndpoint.failoverPolicy}: with
 * {@code Automatic}, Azure performs a forced failover once the primary has been unreachable for
 * {@code failoverWithDataLossGracePeriodMinutes}; with {@code Manual} it never does.
 */
public enum FailoverPolicy {
    /** Only an explicit {@link GeoDatabase#failover} moves the primary (the default). */
    MANUAL,
    /** A watcher performs a forced failover after the grace period of primary outage. */
    AUTOMATIC
}
