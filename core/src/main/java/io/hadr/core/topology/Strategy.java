package io.hadr.core.topology;

/**
 * The four DR strategies of the original design. The strategy decides the defaults of the front
 * door's origins and which parts of the secondary region run before a disaster.
 */
public enum Strategy implements TopologyWord {
    /** Both regions serve, traffic split by weight (equal priority). */
    ACTIVE_ACTIVE,
    /** Both regions run; traffic goes to the primary (priority 1) until it fails. */
    ACTIVE_PASSIVE,
    /** The secondary has the database replica and its app stopped, started on disaster. */
    WARM_STANDBY,
    /** The secondary has nothing running; on disaster it is restored from backups. */
    COLD_STANDBY;

    /** Whether the secondary region's app instances run before a disaster. */
    public boolean secondaryAppsRunning() {
        return this == ACTIVE_ACTIVE || this == ACTIVE_PASSIVE;
    }
}
