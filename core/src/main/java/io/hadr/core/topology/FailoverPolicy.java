package io.hadr.core.topology;

/** Azure SQL failover group's {@code failoverPolicy}. */
public enum FailoverPolicy implements TopologyWord {
    /** Only a person (or a drill) fails over. */
    MANUAL,
    /** Fail over by itself after the primary has been down for the grace period. */
    AUTOMATIC;
}
