package io.hadr.geodb;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The state of the failover group as a whole, as opposed to the role and process state of each
 * server. One table, one owner: every move is checked here and reported as a
 * {@link GeoDbEvent.Kind#GROUP} event.
 *
 * <p>Transitions (everything else throws {@link IllegalTransitionException}):
 * <pre>
 *   STOPPED      → STARTING
 *   STARTING     → STEADY | DEGRADED | LEADERLESS | STOPPED (start failed)
 *   STEADY       → DEGRADED | LEADERLESS | FAILING_OVER | STOPPED
 *   DEGRADED     → STEADY | LEADERLESS | FAILING_OVER | STOPPED
 *   LEADERLESS   → STEADY | DEGRADED | FAILING_OVER | STOPPED
 *   FAILING_OVER → STEADY | DEGRADED | LEADERLESS | STOPPED
 * </pre>
 * {@link #FAILING_OVER} is held by exactly one failover at a time: a second request while it is
 * held is refused with {@link FailoverGroupBusyException}, as Azure answers {@code FailoverGroupBusy}.
 */
public enum GroupState {
    /** Not started, or closed. */
    STOPPED,
    /** {@link GeoDatabase#start} is creating or resuming the group. */
    STARTING,
    /** The primary serves and the secondary streams from it: the group is geo-redundant. */
    STEADY,
    /** The primary serves, but no secondary streams (down, fenced, reseeding, or not connected). */
    DEGRADED,
    /** No server accepts writes: the primary is down or does not answer, or a failover left no primary. */
    LEADERLESS,
    /** A failover runs; the read-write listener holds new connections until it is done. */
    FAILING_OVER;

    private static final Map<GroupState, Set<GroupState>> NEXT = new EnumMap<>(GroupState.class);

    static {
        NEXT.put(STOPPED, EnumSet.of(STARTING));
        NEXT.put(STARTING, EnumSet.of(STEADY, DEGRADED, LEADERLESS, STOPPED));
        NEXT.put(STEADY, EnumSet.of(DEGRADED, LEADERLESS, FAILING_OVER, STOPPED));
        NEXT.put(DEGRADED, EnumSet.of(STEADY, LEADERLESS, FAILING_OVER, STOPPED));
        NEXT.put(LEADERLESS, EnumSet.of(STEADY, DEGRADED, FAILING_OVER, STOPPED));
        NEXT.put(FAILING_OVER, EnumSet.of(STEADY, DEGRADED, LEADERLESS, STOPPED));
    }

    /** Whether the transition table allows moving from this state to {@code next}. */
    public boolean canMoveTo(GroupState next) {
        return NEXT.get(this).contains(next);
    }

    /** The states this one may move to. */
    public Set<GroupState> allowedNext() {
        return Collections.unmodifiableSet(NEXT.get(this));
    }

    /**
     * The settled state for what the servers look like now: without a serving primary the group
     * is leaderless; with one, steady when the secondary streams, else degraded.
     */
    public static GroupState of(boolean primaryServes, boolean secondaryStreams) {
        if (!primaryServes) {
            return LEADERLESS;
        }
        return secondaryStreams ? STEADY : DEGRADED;
    }

    /** Whether the group runs and no operation owns it (the watcher may re-assess it). */
    public boolean settled() {
        return this == STEADY || this == DEGRADED || this == LEADERLESS;
    }
}
