package io.hadr.local;

import io.hadr.toolkit.Deadline;
import io.hadr.toolkit.FreePorts;
import io.hadr.toolkit.Hashes;
import io.hadr.toolkit.ProcessLauncher;
import io.hadr.toolkit.Threads;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.Topology;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import io.hadr.frontdoor.FrontDoor;
import io.hadr.geodb.FailoverMode;
import io.hadr.geodb.FailoverReport;
import io.hadr.geodb.GeoDatabase;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.GeoDbStatus;
import io.hadr.geodb.PostgresBinaries;
import io.hadr.frontdoor.FrontDoorException;
import io.hadr.frontdoor.OriginStatus;
import io.hadr.frontdoor.OriginUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both regions of a topology on this machine: each region's app instances as separate JVM
 * processes with the environment App Service would give them. Implements what {@code hadr up}
 * runs; other commands reach it through the {@link ControlServer}.
 */
public final class LocalEnvironment implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalEnvironment.class);

    /** How long one app instance may take to answer {@code /health} after its JVM starts. */
    static final Duration APP_START_DEADLINE = Duration.ofSeconds(90);

    /** JVM options that roughly halve a small Spring Boot app's start-up on a 2-core machine. */
    private static final List<String> APP_JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private final Topology topology;
    private final StateDir stateDir;
    private final Clock clock;
    private final ProcessLauncher launcher = new ProcessLauncher("apps");
    private final Map<String, List<AppInstance>> appsByRegion = new LinkedHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(Threads.daemon("hadr-env-worker"));
    private final Instant startedAt;
    private volatile FrontDoor frontDoor;
    private volatile GeoDatabase database;
    private volatile boolean closed;

    private LocalEnvironment(Topology topology, StateDir stateDir, Clock clock) {
        this.topology = topology;
        this.stateDir = stateDir;
        this.clock = clock;
        this.startedAt = clock.instant();
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
    public static LocalEnvironment start(Topology topology, StateDir stateDir, Path appJar, PostgresBinaries binaries,
                                         Consumer<String> progress) {
        LocalEnvironment environment = new LocalEnvironment(topology, stateDir, Clock.systemUTC());
        try {
            environment.startDatabase(binaries, progress);
            environment.createApps(appJar);
            environment.startApps(progress);
            environment.startFrontDoor(progress);
            return environment;
        } catch (RuntimeException e) {
            environment.close();
            throw e;
        }
    }

    public Topology topology() {
        return topology;
    }

    public StateDir stateDir() {
        return stateDir;
    }

    private void createApps(Path appJar) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int nextPort = topology.local().appBasePort();
        String lockedTo = topology.app().lockToFrontDoor() ? topology.frontDoor().frontDoorId() : "";
        // One connection string in every region: the failover group's read-write listener.
        String databaseUrl = database.readWriteListener().jdbcUrl("connectTimeout=2&socketTimeout=15&tcpKeepAlive=true");
        String databasePassword = Databases.appPassword(stateDir);
        for (Region region : topology.regions()) {
            List<AppInstance> instances = new ArrayList<>();
            for (int i = 0; i < region.appInstances(); i++) {
                String id = region.id() + "-" + i;
                int port = topology.local().appBasePort() == 0 ? FreePorts.pick() : nextPort++;
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(APP_JVM_OPTIONS);
                command.addAll(topology.app().jvmOptions());
                command.addAll(List.of("-jar", appJar.toString()));
                Map<String, String> env = appEnvironment(region, i, port);
                if (!lockedTo.isEmpty()) {
                    env.put("HADR_FRONT_DOOR_ID", lockedTo);
                }
                env.put("HADR_DB_URL", databaseUrl);
                env.put("HADR_DB_USER", Databases.APP_USER);
                env.put("HADR_DB_PASSWORD", databasePassword);
                AppInstance.Launch launch = new AppInstance.Launch(command, env,
                        stateDir.logs().resolve("app-" + id + ".log"), topology.app().healthCheckPath(), lockedTo);
                instances.add(new AppInstance(id, region, port, launch, launcher, clock));
            }
            appsByRegion.put(region.id(), instances);
        }
    }

    /** The app settings App Service gives an instance, plus the topology's own. */
    private Map<String, String> appEnvironment(Region region, int index, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        // Keep what a JVM needs from the caller's environment, nothing else, as App Service would.
        for (String keep : List.of("PATH", "HOME", "LANG", "TZ", "TMPDIR")) {
            String value = System.getenv(keep);
            if (value != null) {
                env.put(keep, value);
            }
        }
        String site = topology.name() + "-" + region.id();
        env.put("REGION_NAME", region.displayName());
        env.put("WEBSITE_SITE_NAME", site);
        env.put("WEBSITE_HOSTNAME", "127.0.0.1:" + port);
        env.put("WEBSITE_INSTANCE_ID", instanceId(site, index));
        env.put("WEBSITE_HEALTHCHECK_MAXPINGFAILURES", Integer.toString(topology.app().healthCheckMaxPingFailures()));
        env.put("PORT", Integer.toString(port));
        env.putAll(topology.app().environment());
        return env;
    }

    /** Like App Service's: 64 hex characters, stable for a site and instance number. */
    static String instanceId(String site, int index) {
        return Hashes.sha256Hex(site + "#" + index);
    }

    private void startApps(Consumer<String> progress) {
        List<AppInstance> toStart = new ArrayList<>();
        for (Region region : topology.regions()) {
            boolean runs = region.isPrimary() || topology.strategy().secondaryAppsRunning();
            for (AppInstance app : appsByRegion.get(region.id())) {
                if (runs) {
                    checkPortFree(app);
                    toStart.add(app);
                } else {
                    progress.accept("app " + app.id() + " (" + region.displayName() + ") stays stopped: "
                            + topology.strategy().id() + " starts the secondary's app only on disaster");
                }
            }
        }
        for (AppInstance app : toStart) {
            progress.accept("starting app " + app.id() + " (" + app.region().displayName() + ") on " + app.url());
        }
        runAll(toStart, app -> {
            Duration took = app.start(APP_START_DEADLINE, true);
            progress.accept("app " + app.id() + " ready after " + Deadline.seconds(took));
        });
    }

    private void startDatabase(PostgresBinaries binaries, Consumer<String> progress) {
        GeoDatabase db;
        try {
            db = new GeoDatabase(Databases.config(topology, stateDir, binaries));
            database = db;
            db.start((step, elapsed) -> progress.accept("database: " + step + " (" + Deadline.seconds(elapsed) + ")"));
        } catch (GeoDbException | IllegalArgumentException | IllegalStateException e) {
            throw new LocalEnvironmentException("the database could not start: " + e.getMessage(), e);
        }
        GeoDbStatus status = db.status();
        progress.accept("database: primary " + status.primary() + ", secondary " + status.secondary()
                + "; read-write listener " + status.readWriteListener().address()
                + ", read-only listener " + status.readOnlyListener().address());
    }

    /** The database part of the status (what {@code hadr db status} shows). */
    public Map<String, Object> databaseStatus() {
        return Databases.status(database.status());
    }

    /**
     * Fails the database over, with Azure SQL failover group semantics.
     *
     * @return the report: phases with timings, who is primary now
     */
    public Map<String, Object> failover(FailoverMode mode) {
        FailoverReport report;
        try {
            report = database.failover(mode, (step, elapsed) -> log.info("failover: {} ({})", step, Deadline.seconds(elapsed)));
        } catch (GeoDbException e) {
            throw new LocalEnvironmentException(e.getMessage(), e);
        }
        log.info("{}", report);
        return Databases.report(report);
    }

    /**
     * Takes a whole region away at once, the way a region disappears: every app instance and the
     * database server are SIGKILLed.
     */
    public List<String> regionDown(String regionId) {
        List<AppInstance> apps = regionApps(regionId);
        List<String> lines = new ArrayList<>();
        for (AppInstance app : apps) {
            AppState state = app.state();
            if (state == AppState.RUNNING || state == AppState.STARTING) {
                app.kill();
                lines.add("killed app " + app.id() + " (SIGKILL)");
            } else {
                lines.add("app " + app.id() + " was already " + state.id());
            }
        }
        try {
            String role = database.role(regionId).name().toLowerCase(java.util.Locale.ROOT);
            database.kill(regionId);
            lines.add("killed database server " + regionId + " (" + role + ", SIGKILL)");
        } catch (GeoDbException e) {
            lines.add("database server " + regionId + ": " + e.getMessage());
        }
        log.info("region {} down: {}", regionId, lines);
        return lines;
    }

    /**
     * Brings a region back: its database server first (a former primary that was failed over
     * away from rejoins as the secondary), then its app instances.
     */
    public List<String> regionUp(String regionId) {
        List<AppInstance> apps = regionApps(regionId);
        List<String> lines = new ArrayList<>();
        long started = System.nanoTime();
        try {
            database.bringUp(regionId);
        } catch (GeoDbException e) {
            throw new LocalEnvironmentException("database server " + regionId + " could not come back: " + e.getMessage(), e);
        }
        lines.add("database server " + regionId + " is back as " + database.role(regionId).name().toLowerCase(java.util.Locale.ROOT)
                + " after " + Deadline.seconds(java.time.Duration.ofNanos(System.nanoTime() - started)));
        boolean runs = topology.region(regionId).isPrimary() || topology.strategy().secondaryAppsRunning();
        if (runs) {
            lines.addAll(app(regionId, AppAction.START));
        }
        log.info("region {} up: {}", regionId, lines);
        return lines;
    }

    private List<AppInstance> regionApps(String regionId) {
        List<AppInstance> apps = appsByRegion.get(regionId);
        if (apps == null) {
            throw LocalEnvironmentException.unknownRegion(regionId, List.copyOf(appsByRegion.keySet()));
        }
        return apps;
    }

    private void startFrontDoor(Consumer<String> progress) {
        int port = topology.local().endpointPort();
        try {
            frontDoor = FrontDoor.start(FrontDoors.config(topology, port, appsByRegion));
        } catch (FrontDoorException e) {
            throw new LocalEnvironmentException(e.getMessage() + (port != 0
                    ? "; stop whatever listens on " + port + ", or set local.endpointPort in hadr.yaml" : ""), e);
        }
        String origins = frontDoor.origins().stream()
                .map(o -> o.name() + " p" + o.priority() + "/w" + o.weight() + (o.healthy() ? " healthy" : " unhealthy"))
                .collect(java.util.stream.Collectors.joining(", "));
        progress.accept("front door on " + frontDoor.endpoint() + " (" + origins + ")");
    }

    /** The front door's endpoint, where all traffic should go. */
    public java.net.URI endpoint() {
        return frontDoor.endpoint();
    }

    /**
     * Changes a region's origin at runtime, like an ARM update of an Azure Front Door origin.
     *
     * @return one line saying what the origin looks like now
     */
    public String updateOrigin(String regionId, OriginUpdate update) {
        List<AppInstance> apps = appsByRegion.get(regionId);
        if (apps == null) {
            throw LocalEnvironmentException.unknownRegion(regionId, List.copyOf(appsByRegion.keySet()));
        }
        if (update.isEmpty()) {
            throw new LocalEnvironmentException("nothing to change: say enable, disable, --priority N or --weight N");
        }
        OriginStatus last = null;
        for (AppInstance app : apps) {
            try {
                last = frontDoor.updateOrigin(app.id(), update);
            } catch (IllegalArgumentException e) {
                throw new LocalEnvironmentException(e.getMessage(), e);
            }
        }
        if (last == null) {
            throw new LocalEnvironmentException("region " + regionId + " has no origin (appInstances: 0)");
        }
        log.info("origin {} updated: {}", regionId, update);
        return "origin " + regionId + ": priority " + last.priority() + ", weight " + last.weight() + ", "
                + (last.enabled() ? "enabled" : "disabled") + ", " + (last.healthy() ? "healthy" : "unhealthy");
    }

    /** Prometheus metrics of the front door. */
    public String metrics() {
        return frontDoor == null ? "" : frontDoor.prometheusMetrics();
    }

    private void checkPortFree(AppInstance app) {
        try (ServerSocket socket = new ServerSocket(app.port(), 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new LocalEnvironmentException("port " + app.port() + " for app " + app.id() + " is in use; stop whatever"
                    + " listens there, or set local.appBasePort in hadr.yaml (0 picks free ports)");
        }
    }

    /**
     * Acts on every app instance of a region.
     *
     * @return one line per instance saying what happened
     */
    public List<String> app(String regionId, AppAction action) {
        List<AppInstance> apps = appsByRegion.get(regionId);
        if (apps == null) {
            throw LocalEnvironmentException.unknownRegion(regionId, List.copyOf(appsByRegion.keySet()));
        }
        if (apps.isEmpty()) {
            throw new LocalEnvironmentException("region " + regionId + " has no app instances (appInstances: 0)");
        }
        List<String> results = new ArrayList<>();
        runAll(apps, app -> {
            String line = switch (action) {
                case STOP -> {
                    AppState before = app.state();
                    Duration took = app.stop();
                    yield before == AppState.STOPPED ? "app " + app.id() + " was already stopped"
                            : "stopped app " + app.id() + " in " + Deadline.seconds(took);
                }
                case START -> {
                    AppState before = app.state();
                    Duration took = app.start(APP_START_DEADLINE);
                    yield before == AppState.RUNNING ? "app " + app.id() + " was already running"
                            : "started app " + app.id() + " on " + app.url() + ", healthy after " + Deadline.seconds(took);
                }
                case RESTART -> {
                    Duration stopped = app.stop();
                    Duration started = app.start(APP_START_DEADLINE);
                    yield "restarted app " + app.id() + " (stopped in " + Deadline.seconds(stopped) + ", healthy after "
                            + Deadline.seconds(started) + ")";
                }
                case KILL -> {
                    app.kill();
                    yield "killed app " + app.id() + " (SIGKILL)";
                }
            };
            synchronized (results) {
                results.add(line);
            }
        });
        log.info("{} {}: {}", action.id(), regionId, results);
        return results;
    }

    public EnvironmentStatus status() {
        List<EnvironmentStatus.Region> regions = new ArrayList<>();
        FrontDoor fd = frontDoor;
        GeoDatabase db = database;
        List<OriginStatus> origins = fd == null ? List.of() : fd.origins();
        for (Region region : topology.regions()) {
            List<AppInstance> instances = appsByRegion.get(region.id());
            List<EnvironmentStatus.App> apps = instances.stream().map(AppInstance::status).toList();
            List<String> ids = instances.stream().map(AppInstance::id).toList();
            Object origin = FrontDoors.regionOrigin(origins.stream().filter(o -> ids.contains(o.name())).toList());
            String role = db == null ? region.role().id() : db.role(region.id()).name().toLowerCase(java.util.Locale.ROOT);
            regions.add(new EnvironmentStatus.Region(region.id(), region.displayName(), role, apps, origin));
        }
        return new EnvironmentStatus(topology.name(), topology.strategy().id(), topology.source(),
                ProcessHandle.current().pid(), startedAt.toString(), fd == null ? null : fd.endpoint().toString(),
                regions, db == null ? null : Databases.status(db.status()), topology.nonAzureSettings());
    }

    /** Runs {@code action} on every item in parallel; rethrows the first failure after all finished. */
    private <T> void runAll(List<T> items, ThrowingConsumer<T> action) {
        List<Future<?>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(workers.submit(() -> {
                action.accept(item);
                return null;
            }));
        }
        RuntimeException first = null;
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                RuntimeException failure = e.getCause() instanceof RuntimeException r ? r
                        : new LocalEnvironmentException(e.getCause().getMessage(), e.getCause());
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalEnvironmentException("interrupted", e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @FunctionalInterface
    private interface ThrowingConsumer<T> {
        void accept(T item) throws Exception;
    }

    /** Stops every app gracefully (in parallel) and releases everything. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (frontDoor != null) {
            frontDoor.close();
        }
        List<AppInstance> all = appsByRegion.values().stream().flatMap(List::stream).toList();
        try {
            runAll(all, AppInstance::stop);
        } catch (RuntimeException e) {
            log.warn("stopping apps: {}", e.getMessage());
        }
        if (database != null) {
            try {
                database.close();
            } catch (RuntimeException e) {
                log.warn("stopping the database: {}", e.getMessage());
            }
        }
        workers.shutdownNow();
        launcher.close();
    }

}
