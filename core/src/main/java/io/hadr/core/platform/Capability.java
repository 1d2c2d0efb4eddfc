package io.hadr.core.platform;

/** Something a {@link Platform} can do. A drill step needing a missing one is reported as not applicable. */
public enum Capability {
    /** Stop, start and restart a region's app (App Service's site stop/start/restart). */
    APP_LIFECYCLE("stop, start and restart an app"),
    /** Crash an app instance without a graceful stop. */
    APP_KILL("kill an app instance"),
    /** Change a region's app instance count. */
    APP_SCALE("scale an app"),
    /** Take a whole region away and bring it back. */
    REGION_OUTAGE("take a region down"),
    /** Planned, forced and try-planned database failover. */
    DB_FAILOVER("fail the database over"),
    /** Enable, disable, re-prioritise and re-weight a front door origin. */
    ORIGIN_UPDATE("update a front door origin"),
    /** Inject latency and partitions on the link between regions. */
    LINK_FAULTS("change the inter-region link"),
    /** Point-in-time restore to a new server. */
    RESTORE("restore the database to a point in time"),
    /** Restore to an exact LSN or a named restore point. */
    RESTORE_EXACT("restore to an LSN or a named restore point"),
    /** Restore from the other region's backup copies. */
    GEO_RESTORE("restore from the other region's backups"),
    /** Bring a restored server into service. */
    ADOPT("adopt a restored database"),
    /** Run SQL on a server of the environment. */
    SQL("run SQL");

    private final String description;

    Capability(String description) {
        this.description = description;
    }

    /** What the capability allows, in words: {@code "take a region down"}. */
    public String description() {
        return description;
    }
}
