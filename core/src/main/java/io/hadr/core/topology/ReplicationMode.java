package io.hadr.core.topology;

/** How the geo-secondary receives changes. Azure SQL geo-replication is asynchronous. */
public enum ReplicationMode implements TopologyWord {
    ASYNC,
    SYNC;
}
