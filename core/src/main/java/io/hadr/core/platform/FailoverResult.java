package io.hadr.core.platform;

import java.time.Instant;
import java.util.List;

/**
 * What a database failover did.
 *
 * @param requested the mode asked for
 * @param performed the mode that happened (FORCED when TRY_PLANNED fell back)
 * @param oldPrimary the region whose database was primary before
 * @param newPrimary the region whose database is primary now
 * @param startedAt when it began
 * @param phases each completed phase with the time since the start, in order
 * @param dataLossPossible true when writes not yet replicated may have been lost (forced)
 * @param fallbackReason why a try-planned failover was forced, or null
 * @param reason who asked for it, e.g. an operator or the automatic failover policy; null when not known
 */
public record FailoverResult(
        FailoverMode requested,
        FailoverMode performed,
        String oldPrimary,
        String newPrimary,
        Instant startedAt,
        List<Phase> phases,
        boolean dataLossPossible,
        String fallbackReason,
        String reason) {

    /** A failover whose initiator is not known. */
    public FailoverResult(
            FailoverMode requested,
            FailoverMode performed,
            String oldPrimary,
            String newPrimary,
            Instant startedAt,
            List<Phase> phases,
            boolean dataLossPossible,
            String fallbackReason) {
        this(requested, performed, oldPrimary, newPrimary, startedAt, phases, dataLossPossible, fallbackReason, null);
    }

    /** One completed phase, {@code atMs} after the start. */
    public record Phase(String name, long atMs) {}

    /** Milliseconds from the start to the end of the last phase. */
    public long totalMs() {
        return phases.isEmpty() ? 0 : phases.get(phases.size() - 1).atMs();
    }
}
