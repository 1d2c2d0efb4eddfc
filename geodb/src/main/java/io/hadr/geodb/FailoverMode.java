package io.hadr.geodb;

/**
 * The three failover operations of an Azure SQL failover group.
 */
public enum FailoverMode {
    /**
     * Azure {@code failover}: stop writes, let the secondary replay everything, then swap roles.
     * No acknowledged write is lost; refused when the primary is unreachable.
     */
    PLANNED,
    /**
     * Azure {@code forceFailoverAllowDataLoss}: promote the secondary at once and fence the old
     * primary, which is reseeded before it serves again. Writes not yet replicated are lost.
     */
    FORCED,
    /**
     * Azure {@code tryPlannedBeforeForcedFailover}: planned first; forced when the planned
     * failover is refused or cannot finish within the planned-failover timeout.
     */
    TRY_PLANNED
}
