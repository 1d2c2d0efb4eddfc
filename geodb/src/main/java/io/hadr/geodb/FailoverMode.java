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
     *
     * <p>Fencing: the old primary is marked FENCED (state file and a {@code FENCED} file beside
     * its data) before the secondary is promoted, and SIGKILLed if it runs, so two primaries never
     * accept writes. A fenced server is never started as a primary: when it is brought back its
     * data is replaced by a fresh base backup of the new primary and it streams as the secondary.
     */
    FORCED,
    /**
     * Azure {@code tryPlannedBeforeForcedFailover}: planned first; forced when the planned
     * failover is refused or cannot finish within the planned-failover timeout.
     */
    TRY_PLANNED
}
