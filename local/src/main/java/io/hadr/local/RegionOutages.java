package io.hadr.local;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.RegionAction;
import io.hadr.geodb.GeoDatabase;
import io.hadr.geodb.GeoDbException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole region going away at once, the way a region disappears (every app instance and the
 * database server SIGKILLed, none of them healed), and coming back.
 */
final class RegionOutages {

    private static final Logger log = LoggerFactory.getLogger(RegionOutages.class);

    private final AppFleet apps;
    private final GeoDatabase database;

    RegionOutages(AppFleet apps, GeoDatabase database) {
        this.apps = apps;
        this.database = database;
    }

    RegionActionResult apply(String regionId, RegionAction action) {
        apps.region(regionId);
        RegionActionResult result = action == RegionAction.DOWN ? down(regionId) : up(regionId);
        log.info("region {} {}: {}", regionId, action.word(), result);
        return result;
    }

    private RegionActionResult down(String regionId) {
        long started = System.nanoTime();
        List<AppActionResult.InstanceResult> killed = apps.killForOutage(regionId);
        String before = Databases.word(database.state(regionId));
        long serverStarted = System.nanoTime();
        try {
            database.kill(regionId);
        } catch (GeoDbException e) {
            throw new LocalEnvironmentException(
                    "the apps of " + regionId + " are down, but its database server could not be" + " killed: "
                            + e.getMessage(),
                    e);
        }
        return new RegionActionResult(
                regionId, RegionAction.DOWN, killed, serverChange(regionId, before, serverStarted), since(started));
    }

    /**
     * Brings a region back: its database server first (a former primary that was failed over away
     * from rejoins as the secondary), then the app instances its strategy runs.
     */
    private RegionActionResult up(String regionId) {
        long started = System.nanoTime();
        String before = Databases.word(database.state(regionId));
        try {
            database.bringUp(regionId);
        } catch (GeoDbException e) {
            throw new LocalEnvironmentException(
                    "database server " + regionId + " could not come back: " + e.getMessage(), e);
        }
        RegionActionResult.ServerChange server = serverChange(regionId, before, started);
        List<AppActionResult.InstanceResult> startedApps =
                apps.runsApps(regionId) ? apps.act(regionId, AppAction.START).instances() : List.of();
        return new RegionActionResult(regionId, RegionAction.UP, startedApps, server, since(started));
    }

    private RegionActionResult.ServerChange serverChange(String regionId, String before, long startedNanos) {
        return new RegionActionResult.ServerChange(
                regionId,
                Databases.word(database.role(regionId)),
                before,
                Databases.word(database.state(regionId)),
                since(startedNanos));
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
