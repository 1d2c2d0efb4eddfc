package io.hadr.local;

import io.hadr.core.topology.Region;
import io.hadr.core.topology.Topology;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import io.hadr.frontdoor.FrontDoor;
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
    private final ProcessLauncher launcher = new ProcessLauncher();
    private final Map<String, List<AppInstance>> appsByRegion = new LinkedHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hadr-env-worker");
        t.setDaemon(true);
        return t;
    });
    private final Instant startedAt;
    private volatile FrontDoor frontDoor;
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
        LocalEnvironment environment = new LocalEnvironment(topology, stateDir, Clock.systemUTC());
        try {
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
        for (Region region : topology.regions()) {
            List<AppInstance> instances = new ArrayList<>();
            for (int i = 0; i < region.appInstances(); i++) {
                String id = region.id() + "-" + i;
                int port = topology.local().appBasePort() == 0 ? freePort() : nextPort++;
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(APP_JVM_OPTIONS);
                command.addAll(topology.app().jvmOptions());
                command.addAll(List.of("-jar", appJar.toString()));
                String lockedTo = topology.app().lockToFrontDoor() ? topology.frontDoor().frontDoorId() : "";
                Map<String, String> env = appEnvironment(region, i, port);
                if (!lockedTo.isEmpty()) {
                    env.put("HADR_FRONT_DOOR_ID", lockedTo);
                }
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
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((site + "#" + index).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
            Duration took = app.start(APP_START_DEADLINE);
            progress.accept("app " + app.id() + " healthy after " + Deadline.seconds(took));
        });
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
        List<OriginStatus> origins = fd == null ? List.of() : fd.origins();
        for (Region region : topology.regions()) {
            List<AppInstance> instances = appsByRegion.get(region.id());
            List<EnvironmentStatus.App> apps = instances.stream().map(AppInstance::status).toList();
            List<String> ids = instances.stream().map(AppInstance::id).toList();
            Object origin = FrontDoors.regionOrigin(origins.stream().filter(o -> ids.contains(o.name())).toList());
            regions.add(new EnvironmentStatus.Region(region.id(), region.displayName(), region.role().id(), apps, origin));
        }
        return new EnvironmentStatus(topology.name(), topology.strategy().id(), topology.source(),
                ProcessHandle.current().pid(), startedAt.toString(), fd == null ? null : fd.endpoint().toString(),
                regions, null, topology.nonAzureSettings());
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
        workers.shutdownNow();
        launcher.close();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LocalEnvironmentException("cannot find a free port: " + e.getMessage(), e);
        }
    }
}
