package io.hadr.local;

import io.hadr.core.platform.RegionAction;
import java.time.Duration;
import java.util.List;

/**
 * What {@code hadr region down|up REGION} did: each app instance, and the region's database server.
 *
 * @param region the region id
 * @param action down or up
 * @param apps one entry per app instance (a region coming back starts only the apps its strategy runs)
 * @param database the region's database server
 * @param took how long the whole operation took
 */
public record RegionActionResult(
        String region,
        RegionAction action,
        List<AppActionResult.InstanceResult> apps,
        ServerChange database,
        Duration took) {

    public RegionActionResult {
        apps = List.copyOf(apps);
    }

    /**
     * The region's database server.
     *
     * @param name the server name (its region id)
     * @param role its role afterwards: primary, secondary, fenced, ...
     * @param before its process state before: running, down, ...
     * @param after its process state afterwards
     * @param took how long bringing it down or back took
     */
    public record ServerChange(String name, String role, String before, String after, Duration took) {}
}
