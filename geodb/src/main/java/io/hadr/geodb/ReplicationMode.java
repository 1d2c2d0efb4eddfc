package io.hadr.geodb;

/**
 * How the primary ships its write-ahead log to the geo-secondary.
 *
 * <p>Azure SQL active geo-replication is asynchronous: a commit is acknowledged before the
 * secondary has it, so a forced failover may lose the last few seconds (Microsoft publishes an
 * RPO of 5 s). hadr reproduces that by default and offers {@link #SYNC} as a local option.
 */
public enum ReplicationMode {
    /** Commits are acknowledged by the primary alone (Azure SQL geo-replication). */
    ASYNC,
    /**
     * Commits wait until the secondary has flushed them: the primary names the secondary in
     * {@code synchronous_standby_names} while it streams, so an acknowledged write is never lost
     * while a secondary is attached. When none is (it is down, fenced or being reseeded) the
     * primary commits alone and {@link GeoDbStatus#synchronousCommit()} reports {@code false}, so
     * its writes never hang on a secondary that is not there. Not an Azure SQL feature.
     */
    SYNC
}
