package io.hadr.geodb;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether a server's PostgreSQL process runs. Orthogonal to {@link ServerRole}: a primary whose
 * region went down keeps its role and is {@link #DOWN} until it returns or is fenced.
 *
 * <p>Transitions (everything else throws {@link IllegalTransitionException}):
 * <pre>
 *   STOPPED  → STARTING
 *   STARTING → RUNNING | DOWN (did not come up) | STOPPED (start abandoned)
 *   RUNNING  → STOPPING | DOWN (killed or crashed)
 *   STOPPING → STOPPED | DOWN (had to be killed)
 *   DOWN     → STARTING | STOPPED (its files were put in order, e.g. by a reseed)
 * </pre>
 */
public enum ServerState {
    STOPPED, STARTING, RUNNING, STOPPING, DOWN;

    private static final Map<ServerState, Set<ServerState>> NEXT = new EnumMap<>(ServerState.class);

    static {
        NEXT.put(STOPPED, EnumSet.of(STARTING));
        NEXT.put(STARTING, EnumSet.of(RUNNING, DOWN, STOPPED));
        NEXT.put(RUNNING, EnumSet.of(STOPPING, DOWN));
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
}
