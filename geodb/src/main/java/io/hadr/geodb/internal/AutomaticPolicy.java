package io.hadr.geodb.internal;

import io.hadr.geodb.ReadWriteEndpoint;
import java.time.Duration;
import java.time.Instant;

/**
 * The automatic failover policy's decision, as Azure's {@code failoverPolicy: Automatic}: a
 * forced failover once the primary has been unreachable for the grace period, and only when
 * there is a secondary to promote. No I/O, no clock of its own: the watcher passes what it saw.
 */
public final class AutomaticPolicy {

    /** What the watcher should do about the primary's outage. */
    public enum Action {
        /** Nothing: the primary answers, or the policy is manual. */
        NONE,
        /** The primary is out, but for less than the grace period. */
        WAIT,
        /** The grace period is over and a secondary runs: force a failover now. */
        FAIL_OVER,
        /** The grace period is over, but there is no running secondary to promote. */
        BLOCKED
    }

    private AutomaticPolicy() {}

    /**
     * @param unreachableSince when the primary was first seen unreachable in this outage, or null when it answers
     * @param now the clock's time of this health check
     * @param secondaryReady whether a secondary runs and could be promoted
     */
    public static Action decide(
            ReadWriteEndpoint endpoint, Instant unreachableSince, Instant now, boolean secondaryReady) {
        if (unreachableSince == null || !endpoint.isAutomatic()) {
            return Action.NONE;
        }
        Duration outage = Duration.between(unreachableSince, now);
        if (outage.compareTo(endpoint.gracePeriod()) < 0) {
            return Action.WAIT;
        }
        return secondaryReady ? Action.FAIL_OVER : Action.BLOCKED;
    }
}
