package io.hadr.geodb;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether a server's PostgreSQL process runs and answers. Orthogonal to {@link ServerRole}: a
 * primary whose region went down keeps its role and is {@link #DOWN} until it returns or is fenced.
 *
 * <p>Transitions (everything else throws {@link IllegalTransitionException}):
 * <pre>
 *   STOPPED      → STARTING
 *   STARTING     → RUNNING | DOWN (did not come up) | STOPPED (start abandoned)
 *   RUNNING      → STOPPING | DOWN (killed or crashed) | UNRESPONSIVE (no answer within the deadline)
 *   UNRESPONSIVE → RUNNING (answers again) | STOPPING | DOWN
 *   STOPPING     → STOPPED | DOWN (had to be killed)
 *   DOWN         → STARTING | STOPPED (its files were put in order, e.g. by a reseed)
 * </pre>
 */
public enum ServerState {
    STOPPED,
    STARTING,
    RUNNING,
    /**
     * The process is there but did not answer a query within the health checks' response
     * timeout (e.g. it is stopped with SIGSTOP, or the machine is overloaded): it is not counted
     * as running for failovers or synchronous commit.
     */
    UNRESPONSIVE,
    STOPPING,
    DOWN;

    private static final Map<ServerState, Set<ServerState>> NEXT = new EnumMap<>(ServerState.class);

    static {
        NEXT.put(STOPPED, EnumSet.of(STARTING));
        NEXT.put(STARTING, EnumSet.of(RUNNING, DOWN, STOPPED));
        NEXT.put(RUNNING, EnumSet.of(STOPPING, DOWN, UNRESPONSIVE));
        NEXT.put(UNRESPONSIVE, EnumSet.of(RUNNING, STOPPING, DOWN));
        NEXT.put(STOPPING, EnumSet.of(STOPPED, DOWN));
        NEXT.put(DOWN, EnumSet.of(STARTING, STOPPED));
    }

    /** Whether the transition table allows moving from this state to {@code next}. */
    public boolean canMoveTo(ServerState next) {
        return NEXT.get(this).contains(next);
    }

    /** The states this one may move to. */
    public Set<ServerState> allowedNext() {
        return Collections.unmodifiableSet(NEXT.get(this));
    }

    /** Whether the process is there (running, answering or not). */
    public boolean processUp() {
        return this == RUNNING || this == UNRESPONSIVE;
    }
}
