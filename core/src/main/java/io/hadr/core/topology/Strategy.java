package io.hadr.core.topology;

/**
 * The four DR strategies of the original design. The strategy decides the defaults of the front
 * door's origins and which parts of the secondary region run before a disaster.
 */
public enum Strategy {
    /** Both regions serve, traffic split by weight (equal priority). */
    ACTIVE_ACTIVE("active-active"),
    /** Both regions run; traffic goes to the primary (priority 1) until it fails. */
    ACTIVE_PASSIVE("active-passive"),
    /** The secondary has the database replica and its app stopped, started on disaster. */
    WARM_STANDBY("warm-standby"),
    /** The secondary has nothing running; on disaster it is restored from backups. */
    COLD_STANDBY("cold-standby");

    private final String id;

    Strategy(String id) {
        this.id = id;
    }

    /** The name used in topology files and output, e.g. {@code active-passive}. */
    public String id() {
        return id;
    }

    /** Whether the secondary region's app instances run before a disaster. */
    public boolean secondaryAppsRunning() {
        return this == ACTIVE_ACTIVE || this == ACTIVE_PASSIVE;
    }

    @Override
    public String toString() {
        return id;
    }
}
