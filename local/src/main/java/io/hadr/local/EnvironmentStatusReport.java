package io.hadr.local;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.Topology;
import io.hadr.frontdoor.FrontDoor;
import io.hadr.frontdoor.OriginStatus;
import io.hadr.geodb.GeoDatabase;
import io.hadr.geodb.GeoDbStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Puts the status of a local environment's parts together into what {@code hadr status --json} prints. */
final class EnvironmentStatusReport {

    private EnvironmentStatusReport() {}

    static EnvironmentStatus of(
            Topology topology,
            String frontDoorId,
            Instant startedAt,
            AppFleet apps,
            FrontDoor frontDoor,
            GeoDatabase database,
            LocalBackups backups) {
        List<OriginStatus> origins = frontDoor == null ? List.of() : frontDoor.origins();
        List<EnvironmentStatus.RegionStatus> regions = new ArrayList<>();
        for (Region region : topology.regions()) {
            List<String> instances =
                    apps.region(region.id()).stream().map(AppInstance::id).toList();
            EnvironmentStatus.OriginStatus origin = FrontDoors.regionOrigin(
                    origins.stream().filter(o -> instances.contains(o.name())).toList());
            String role = database == null ? region.role().id() : Databases.word(database.role(region.id()));
            regions.add(new EnvironmentStatus.RegionStatus(
                    region.id(), region.displayName(), role, apps.status(region.id()), origin));
        }
        GeoDbStatus db = database == null ? null : database.status();
        return new EnvironmentStatus(
                "local",
                topology.name(),
                topology.strategy().id(),
                topology.source(),
                frontDoor == null ? null : frontDoor.endpoint().toString(),
                frontDoorId,
                startedAt,
                ProcessHandle.current().pid(),
                regions,
                db == null ? null : Databases.status(db, backups.summary()),
                topology.nonAzureSettings(),
                db == null ? null : Databases.link(db.link()),
                AppSettings.jvmOptions(topology));
    }
}
