package io.hadr.local;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.Topology;
import io.hadr.frontdoor.FrontDoor;
import io.hadr.frontdoor.FrontDoorException;
import io.hadr.frontdoor.UnknownOriginException;
import io.hadr.geodb.FailoverGroupBusyException;
import io.hadr.geodb.FailoverReport;
import io.hadr.geodb.FailoverTargetIsPrimaryException;
import io.hadr.geodb.GeoDatabase;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.GeoDbStatus;
import io.hadr.geodb.PostgresBinaries;
import io.hadr.geodb.RegionLink;
import io.hadr.toolkit.Deadline;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both regions of a topology on this machine: the geo-replicated database, each region's app
 * instances as separate JVM processes with the environment App Service would give them, and the
 * front door. Implements what {@code hadr up} runs; other commands reach it through the
 * {@link ControlServer}. A facade: the {@link AppFleet} owns the apps, {@link RegionOutages} the
 * region operations, {@link EnvironmentStatusReport} the status.
 */
public final class LocalEnvironment implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalEnvironment.class);

    private final Topology topology;
    private final StateDir stateDir;
    private final Clock clock;
    private final Instant startedAt;
    private final String frontDoorId;
    private volatile GeoDatabase database;
    private volatile AppFleet apps;
    private volatile RegionOutages regions;
    private volatile FrontDoor frontDoor;
    private final LocalBackups backups = new LocalBackups(() -> database);
    private volatile AppScaling scaling;
    private boolean closed;

    private LocalEnvironment(Topology topology, StateDir stateDir, Clock clock) {
        this.topology = topology;
        this.stateDir = stateDir;
        this.clock = clock;
        this.startedAt = clock.instant();
        // An id written in the topology wins, as an imported profile keeps its id; else one per state directory.
        this.frontDoorId =
                topology.frontDoor().frontDoorIdGiven() ? topology.frontDoor().frontDoorId() : stateDir.frontDoorId();
    }

    /**
     * Starts every part of the topology and returns once all are ready. On failure, whatever was
     * started is stopped again before the exception leaves.
     *
     * @param progress receives one line per step, for people watching
     */
    public static LocalEnvironment start(Topology topology, StateDir stateDir, Path appJar, Consumer<String> progress) {
        return start(topology, stateDir, appJar, PostgresBinaries.bundled(), progress);
    }

    /**
     * Like {@link #start(Topology, StateDir, Path, Consumer)}, with PostgreSQL binaries of one's
     * choice (e.g. a system installation given with {@code --pg-bin}).
     */
    public static LocalEnvironment start(
            Topology topology, StateDir stateDir, Path appJar, PostgresBinaries binaries, Consumer<String> progress) {
        return start(topology, stateDir, appJar, binaries, HealingPolicy.DEFAULT, progress);
    }

    static LocalEnvironment start(
            Topology topology,
            StateDir stateDir,
            Path appJar,
            PostgresBinaries binaries,
            HealingPolicy healing,
            Consumer<String> progress) {
        LocalEnvironment environment = new LocalEnvironment(topology, stateDir, Clock.systemUTC());
        try {
            environment.startDatabase(binaries, progress);
            environment.startApps(appJar, healing, progress);
            environment.startFrontDoor(progress);
            return environment;
        } catch (RuntimeException e) {
            environment.close();
            throw e;
        }
    }

    private void startDatabase(PostgresBinaries binaries, Consumer<String> progress) {
        try {
            database = new GeoDatabase(Databases.config(topology, stateDir, binaries));
            database.start(
                    (step, elapsed) -> progress.accept("database: " + step + " (" + Deadline.seconds(elapsed) + ")"));
        } catch (GeoDbException | IllegalArgumentException | IllegalStateException e) {
            throw new LocalEnvironmentException("the database could not start: " + e.getMessage(), e);
        }
        GeoDbStatus status = database.status();
        progress.accept("database: primary " + status.primary() + ", secondary " + status.secondary() + "; listeners "
                + status.listeners().stream()
                        .map(l -> l.name() + " " + l.endpoint().address() + " (" + l.region() + ")")
                        .collect(Collectors.joining(", ")));
        progress.accept("inter-region link: " + Deadline.seconds(status.link().latency()) + " one way; "
                + "replication and cross-region app connections go through it");
    }

    private void startApps(Path appJar, HealingPolicy healing, Consumer<String> progress) {
        AppAccount account = AppAccount.prepare(stateDir, appJar);
        if (account.runAs().switchesUser()) {
            progress.accept("apps run as '" + account.runAs().user() + "' (hadr runs as root)");
        }
        Map<String, String> databaseUrls = new LinkedHashMap<>();
        for (Region region : topology.regions()) {
            databaseUrls.put(
                    region.id(),
                    database.readWriteListener(region.id())
                            .jdbcUrl("connectTimeout=2&socketTimeout=15&tcpKeepAlive=true"));
        }
        AppSettings settings = new AppSettings(
                topology,
                account.appJar(),
                topology.app().lockToFrontDoor() ? frontDoorId : "",
                databaseUrls,
                Databases.APP_USER,
                Databases.appPassword(stateDir),
                account,
                stateDir.logs());
        apps = new AppFleet(topology, settings, clock, healing);
        regions = new RegionOutages(apps, database);
        apps.startAll(progress);
    }

    private void startFrontDoor(Consumer<String> progress) {
        int port = topology.local().endpointPort();
        try {
            frontDoor = FrontDoor.start(FrontDoors.config(topology, frontDoorId, port, apps.byRegion()));
        } catch (FrontDoorException e) {
            throw new LocalEnvironmentException(
                    e.getMessage()
                            + (port != 0
                                    ? "; stop whatever listens on " + port + ", or set local.endpointPort in hadr.yaml"
                                    : ""),
                    e);
        }
        scaling = new AppScaling(topology, apps, frontDoor);
        String origins = frontDoor.origins().stream()
                .map(o ->
                        o.name() + " p" + o.priority() + "/w" + o.weight() + (o.healthy() ? " healthy" : " unhealthy"))
                .collect(Collectors.joining(", "));
        progress.accept("front door on " + frontDoor.endpoint() + " (" + origins + ")");
    }

    public Topology topology() {
        return topology;
    }

    public StateDir stateDir() {
        return stateDir;
    }

    /** The front door's endpoint, where all traffic should go. */
    public URI endpoint() {
        return frontDoor.endpoint();
    }

    /** What the apps' lockdown expects in {@code X-Azure-FDID}. */
    public String frontDoorId() {
        return frontDoorId;
    }

    public EnvironmentStatus status() {
        return EnvironmentStatusReport.of(topology, frontDoorId, startedAt, apps, frontDoor, database, backups);
    }

    /**
     * Sets a region's number of running app instances, like App Service's instance count; new
     * instances join the front door's origin group, removed ones are drained first.
     *
     * @throws LocalEnvironmentException when the database's connections cannot hold that many pools
     */
    public ScaleResult scale(String regionId, int instances) {
        apps.region(regionId);
        return scaling.scale(regionId, instances);
    }

    /**
     * Changes the link between the regions: its one-way latency, a partition (nothing crosses,
     * connections stall) or the end of one. Returns the link afterwards.
     *
     * @throws IllegalArgumentException for a latency the link does not accept
     */
    public EnvironmentStatus.LinkStatus link(LinkFault fault) {
        RegionLink link = database.link();
        if (fault instanceof LinkFault.Latency latency) {
            link.latency(latency.oneWay());
        } else if (fault instanceof LinkFault.Partition) {
            link.partition();
        } else if (fault instanceof LinkFault.Heal) {
            link.heal();
        } else {
            throw new IllegalArgumentException("unknown link change " + fault);
        }
        log.info("inter-region link: {} -> {}", fault, link.status());
        return Databases.link(link.status());
    }

    /** The link between the regions as it is now. */
    public EnvironmentStatus.LinkStatus linkStatus() {
        return Databases.link(database.link().status());
    }

    /** Acts on every app instance of a region, like App Service's site stop/start/restart, or crashes them. */
    public AppActionResult app(String regionId, AppAction action) {
        return apps.act(regionId, action);
    }

    /** Takes a whole region away at once (SIGKILL of its apps and database server), or brings it back. */
    public RegionActionResult region(String regionId, RegionAction action) {
        return regions.apply(regionId, action);
    }

    /**
     * Changes a region's origin at runtime, like an ARM update of an Azure Front Door origin.
     *
     * @return the region's origin afterwards
     */
    public EnvironmentStatus.OriginStatus updateOrigin(String regionId, OriginChange change) {
        List<AppInstance> instances = apps.region(regionId);
        if (instances.isEmpty()) {
            throw new LocalEnvironmentException("region " + regionId
                    + " has no origin: it runs no app instance; 'hadr app scale " + regionId + " N' starts N");
        }
        List<io.hadr.frontdoor.OriginStatus> updated;
        try {
            updated = instances.stream()
                    .map(app -> frontDoor.updateOrigin(app.id(), FrontDoors.update(change)))
                    .toList();
        } catch (UnknownOriginException e) {
            throw new LocalEnvironmentException(e.getMessage(), e);
        }
        log.info("origin {} updated: {}", regionId, change);
        return FrontDoors.regionOrigin(updated);
    }

    /** The failover group: roles, listeners, lag (what {@code hadr db status} shows). */
    public EnvironmentStatus.DatabaseStatus databaseStatus() {
        return Databases.status(database.status(), backups.summary());
    }

    /** Backups, point-in-time restores, adoption and operator SQL. */
    public LocalBackups backups() {
        return backups;
    }

    /** Fails the database over to the current secondary; see {@link #failover(FailoverMode, String)}. */
    public FailoverResult failover(FailoverMode mode) {
        return failover(mode, null);
    }

    /**
     * Fails the database over, with Azure SQL failover group semantics, making {@code target} the
     * primary; returns once it completed.
     *
     * @param target the region whose server is to become primary; null for the one that is secondary now
     * @throws FailoverDeclinedException when another failover runs or the target already is the primary
     * @throws UnknownRegionException when {@code target} is not a region of the topology
     */
    public FailoverResult failover(FailoverMode mode, String target) {
        if (target != null) {
            apps.region(target);
        }
        FailoverReport report;
        try {
            report = database.failover(
                    Databases.mode(mode),
                    target,
                    (step, elapsed) -> log.info("failover: {} ({})", step, Deadline.seconds(elapsed)));
        } catch (FailoverGroupBusyException e) {
            throw new FailoverDeclinedException(FailoverDeclinedException.Reason.BUSY, e.getMessage(), e);
        } catch (FailoverTargetIsPrimaryException e) {
            throw new FailoverDeclinedException(FailoverDeclinedException.Reason.TARGET_IS_PRIMARY, e.getMessage(), e);
        } catch (GeoDbException e) {
            throw new LocalEnvironmentException(e.getMessage(), e);
        }
        log.info("{}", report);
        return Databases.result(report);
    }

    /** Prometheus metrics of the front door. */
    public String metrics() {
        return frontDoor == null ? "" : frontDoor.prometheusMetrics();
    }

    /** Stops the front door, every app gracefully (in parallel), then the database. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (frontDoor != null) {
            frontDoor.close();
        }
        if (apps != null) {
            apps.close();
        }
        if (database != null) {
            try {
                database.close();
            } catch (RuntimeException e) {
                log.warn("stopping the database: {}", e.getMessage());
            }
        }
    }
}
