package io.hadr.geodb;

/**
 * The phases a failover goes through, in the order they can happen. A {@link FailoverReport}
 * lists the ones that completed, each with the time since the failover began.
 */
public enum FailoverPhase {
    /** Try-planned only: the planned failover was refused or timed out; a forced one follows. */
    PLANNED_ABANDONED("planned failover abandoned"),
    /** Planned: new connections are held, open ones were cut, the old primary accepts no more writes. */
    WRITES_STOPPED("writes stopped"),
    /** Planned: the secondary replayed every write the old primary acknowledged. */
    SECONDARY_CAUGHT_UP("secondary caught up"),
    /** Planned: the old primary was shut down cleanly (its shutdown checkpoint streamed). */
    OLD_PRIMARY_STOPPED("old primary stopped"),
    /** Forced: the old primary is marked fenced (on disk) and killed if it ran. */
    OLD_PRIMARY_FENCED("old primary fenced"),
    /** The new primary accepts writes. */
    PROMOTED("promoted"),
    /** The read-write listener leads to the new primary; held connections were released to it. */
    LISTENERS_MOVED("listeners moved"),
    /** Planned: the old primary follows the new one as its secondary. */
    OLD_PRIMARY_REJOINED("old primary rejoined as secondary"),
    /** Forced, old primary still reachable: it was reseeded and streams as the new secondary. */
    OLD_PRIMARY_RESEEDED("old primary reseeded as secondary");

    private final String label;

    FailoverPhase(String label) {
        this.label = label;
    }

    /** The phase in words, e.g. {@code "secondary caught up"}. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
