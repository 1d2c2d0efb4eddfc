package io.hadr.geodb;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The durable role of a server in the failover group, persisted in the state file.
 *
 * <p>Transitions (everything else throws {@link IllegalTransitionException}):
 * <pre>
 *   PRIMARY   → SECONDARY  planned failover: the old primary follows the new timeline
 *   PRIMARY   → FENCED     forced failover, or a planned one whose old primary cannot follow
 *   SECONDARY → PRIMARY    promotion
 *   SECONDARY → RESEEDING  a secondary that cannot stream any more is rebuilt
 *   FENCED    → RESEEDING  a fenced server is rebuilt from a base backup of the primary
 *   RESEEDING → SECONDARY  the rebuilt server streams from the primary
 *   RESEEDING → FENCED     the rebuild failed; it must be rebuilt again before it serves
 * </pre>
 * A FENCED server is never started as a primary: Azure's old primary "comes back as the new
 * secondary and is reseeded — it never serves writes again on its own".
 */
public enum ServerRole {
    PRIMARY,
    SECONDARY,
    FENCED,
    RESEEDING;

    private static final Map<ServerRole, Set<ServerRole>> NEXT = new EnumMap<>(ServerRole.class);

    static {
        NEXT.put(PRIMARY, EnumSet.of(SECONDARY, FENCED));
        NEXT.put(SECONDARY, EnumSet.of(PRIMARY, RESEEDING));
        NEXT.put(FENCED, EnumSet.of(RESEEDING));
        NEXT.put(RESEEDING, EnumSet.of(SECONDARY, FENCED));
    }

    /** Whether the transition table allows moving from this role to {@code next}. */
    public boolean canMoveTo(ServerRole next) {
        return NEXT.get(this).contains(next);
    }

    /** The roles this one may move to. */
    public Set<ServerRole> allowedNext() {
        return Collections.unmodifiableSet(NEXT.get(this));
    }
}
