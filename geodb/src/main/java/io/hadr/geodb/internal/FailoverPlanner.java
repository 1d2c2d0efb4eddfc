package io.hadr.geodb.internal;

import io.hadr.geodb.FailoverMode;
import io.hadr.geodb.FailoverRefusedException;
import io.hadr.geodb.FailoverTargetIsPrimaryException;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;

/**
 * The decisions of a failover, from what the servers look like when it is asked for: whether it
 * is refused, which mode is performed first, and whether a planned failover that fails may fall
 * back to a forced one. No I/O: the caller gathers a {@link Snapshot}.
 */
public final class FailoverPlanner {

    private FailoverPlanner() {}

    /**
     * What the servers look like when the failover starts.
     *
     * @param primary the current primary
     * @param primaryState its process state
     * @param target the server that is to become primary
     * @param targetRole its role
     * @param targetState its process state
     * @param primaryAnswers whether the primary answered just now (only asked for planned failovers)
     * @param targetStreams whether the target's WAL receiver streams from the primary
     */
    public record Snapshot(
            String primary,
            ServerState primaryState,
            String target,
            ServerRole targetRole,
            ServerState targetState,
            boolean primaryAnswers,
            boolean targetStreams) {}

    /**
     * What to do.
     *
     * @param requested the mode asked for
     * @param first the mode to perform first
     * @param fallBackToForced whether a refusal of the planned attempt may lead to a forced failover
     * @param plannedSkipped for a try-planned failover that goes straight to forced: why planned was not possible
     */
    public record Plan(
            FailoverMode requested,
            FailoverMode first,
            boolean fallBackToForced,
            FailoverRefusedException plannedSkipped) {}

    /**
     * Decides the failover.
     *
     * @throws FailoverTargetIsPrimaryException when the target already is the primary
     * @throws FailoverRefusedException when the target cannot be promoted, or a planned failover
     *     is not possible now
     */
    public static Plan plan(FailoverMode requested, Snapshot s) {
        if (s.target().equals(s.primary())) {
            throw FailoverTargetIsPrimaryException.of(s.target());
        }
        if (s.targetRole() != ServerRole.SECONDARY) {
            throw FailoverRefusedException.noSecondary(
                    s.target(), "its role is " + s.targetRole() + " (it must be reseeded and streaming first)");
        }
        if (s.targetState() != ServerState.RUNNING) {
            throw FailoverRefusedException.noSecondary(
                    s.target(),
                    "it is " + s.targetState()
                            + (s.targetState() == ServerState.UNRESPONSIVE ? "" : " and does not answer")
                            + "; bring it up first");
        }
        return switch (requested) {
            case FORCED -> new Plan(requested, FailoverMode.FORCED, false, null);
            case PLANNED -> {
                FailoverRefusedException refusal = plannedRefusal(s);
                if (refusal != null) {
                    throw refusal;
                }
                yield new Plan(requested, FailoverMode.PLANNED, false, null);
            }
            case TRY_PLANNED -> {
                FailoverRefusedException refusal = plannedRefusal(s);
                yield refusal != null
                        ? new Plan(requested, FailoverMode.FORCED, false, refusal)
                        : new Plan(requested, FailoverMode.PLANNED, true, null);
            }
        };
    }

    /**
     * Whether a planned attempt that was refused while it ran falls back to a forced failover:
     * only when trying planned first, and only while the target still runs.
     */
    public static boolean fallBack(Plan plan, FailoverRefusedException refusal, boolean targetRunning) {
        return plan.fallBackToForced()
                && targetRunning
                && (refusal.reason() == FailoverRefusedException.Reason.CATCH_UP_TIMED_OUT
                        || refusal.reason() == FailoverRefusedException.Reason.PRIMARY_UNREACHABLE);
    }

    private static FailoverRefusedException plannedRefusal(Snapshot s) {
        if (!s.primaryAnswers()) {
            return FailoverRefusedException.primaryUnreachable(
                    s.primary(),
                    s.primaryState().processUp()
                            ? new io.hadr.geodb.GeoDbException("it is " + s.primaryState() + " and does not answer")
                            : null);
        }
        if (!s.targetStreams()) {
            return FailoverRefusedException.noSecondary(
                    s.target(), "it is not streaming from '" + s.primary() + "', so it cannot catch up");
        }
        return null;
    }
}
