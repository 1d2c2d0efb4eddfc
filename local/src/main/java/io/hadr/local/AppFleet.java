package io.hadr.local;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.Topology;
import io.hadr.toolkit.Deadline;
import io.hadr.toolkit.FreePorts;
import io.hadr.toolkit.ProcessLauncher;
import io.hadr.toolkit.Threads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every app instance of both regions, as App Service runs a site's instances: started with their
 * App Service settings, acted on per region (stop, start, restart, kill), and healed after a
 * crash by the {@link AppHealer}.
 */
final class AppFleet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AppFleet.class);

    /** How long one app instance may take to answer {@code /health} after its JVM starts. */
    static final Duration APP_START_DEADLINE = Duration.ofSeconds(90);

    private final Topology topology;
    private final AppSettings settings;
    private final Clock clock;
    private final ProcessLauncher launcher = new ProcessLauncher("apps");
    private final ExecutorService workers = Executors.newCachedThreadPool(Threads.daemon("hadr-app-worker"));
    /** Each region's instances, replaced as a whole when the region is scaled; regions in topology order. */
    private final Map<String, List<AppInstance>> byRegion = new ConcurrentHashMap<>();
    /** Per region, the number the next instance made by a scale-out gets. */
    private final Map<String, Integer> nextIndex = new ConcurrentHashMap<>();

    private final AppHealer healer;

    AppFleet(Topology topology, AppSettings settings, Clock clock, HealingPolicy healing) {
        this.topology = topology;
        this.settings = settings;
        this.clock = clock;
        this.healer = new AppHealer(healing, clock, APP_START_DEADLINE);
        int nextPort = topology.local().appBasePort();
        for (Region region : topology.regions()) {
            List<AppInstance> instances = new ArrayList<>();
            for (int i = 0; i < region.appInstances(); i++) {
                int port = topology.local().appBasePort() == 0 ? FreePorts.pick() : nextPort++;
                instances.add(instance(region, i, port));
            }
            byRegion.put(region.id(), List.copyOf(instances));
            nextIndex.put(region.id(), region.appInstances());
        }
    }

    private AppInstance instance(Region region, int index, int port) {
        return new AppInstance(
                AppSettings.instanceName(region, index),
                region,
                port,
                settings.launch(region, index, port),
                launcher,
                clock,
                healer::crashed);
    }

    /** Each region's instances, in topology order. */
    Map<String, List<AppInstance>> byRegion() {
        Map<String, List<AppInstance>> ordered = new LinkedHashMap<>();
        topology.regions().forEach(r -> ordered.put(r.id(), byRegion.get(r.id())));
        return Collections.unmodifiableMap(ordered);
    }

    /**
     * Adds {@code count} new, stopped instances to a region (App Service scaling out). They listen
     * on free ports: the topology's consecutive app ports belong to the instances it names.
     */
    synchronized List<AppInstance> add(String regionId, int count) {
        Region region = topology.region(regionId);
        List<AppInstance> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = nextIndex.merge(regionId, 1, Integer::sum) - 1;
            added.add(instance(region, index, FreePorts.pick()));
        }
        List<AppInstance> all = new ArrayList<>(region(regionId));
        all.addAll(added);
        byRegion.put(regionId, List.copyOf(all));
        return added;
    }

    /** Takes stopped instances out of a region (App Service scaling in); their crash history goes with them. */
    synchronized void remove(String regionId, List<AppInstance> removed) {
        List<AppInstance> all = new ArrayList<>(region(regionId));
        all.removeAll(removed);
        byRegion.put(regionId, List.copyOf(all));
        removed.forEach(healer::forget);
    }

    /** Starts instances in parallel, each until {@code /health} answers; returns what each did. */
    List<AppActionResult.InstanceResult> start(List<AppInstance> instances) {
        return forEach(instances, app -> act(app, AppAction.START));
    }

    /** Stops instances gracefully in parallel; returns what each did. */
    List<AppActionResult.InstanceResult> stop(List<AppInstance> instances) {
        return forEach(instances, app -> act(app, AppAction.STOP));
    }

    /**
     * A region's instances.
     *
     * @throws UnknownRegionException naming the regions that exist
     */
    List<AppInstance> region(String regionId) {
        List<AppInstance> apps = byRegion.get(regionId);
        if (apps == null) {
            throw new UnknownRegionException(
                    regionId, topology.regions().stream().map(Region::id).toList());
        }
        return apps;
    }

    /** Whether the strategy runs this region's app while the environment is up (warm standby keeps the secondary's stopped). */
    boolean runsApps(String regionId) {
        return topology.region(regionId).isPrimary() || topology.strategy().secondaryAppsRunning();
    }

    /** Starts what the strategy runs and waits until each instance is ready (its database reachable). */
    void startAll(Consumer<String> progress) {
        List<AppInstance> toStart = new ArrayList<>();
        for (Region region : topology.regions()) {
            for (AppInstance app : byRegion.get(region.id())) {
                if (runsApps(region.id())) {
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
        forEach(toStart, app -> {
            Duration took = app.start(APP_START_DEADLINE, true);
            progress.accept("app " + app.id() + " ready after " + Deadline.seconds(took));
            return took;
        });
    }

    /** Acts on every instance of a region at once, like App Service's site actions. */
    AppActionResult act(String regionId, AppAction action) {
        List<AppInstance> apps = region(regionId);
        if (apps.isEmpty()) {
            throw new LocalEnvironmentException(
                    "region " + regionId + " has no app instance (appInstances: 0, or scaled to 0);"
                            + " 'hadr app scale " + regionId + " N' starts N");
        }
        List<AppActionResult.InstanceResult> results = forEach(apps, app -> act(app, action));
        AppActionResult result = new AppActionResult(regionId, action, results);
        log.info("{} {}: {}", action.word(), regionId, results);
        return result;
    }

    private AppActionResult.InstanceResult act(AppInstance app, AppAction action) {
        AppState before = app.state();
        // Whatever the operator does, the instance's crash count starts again.
        healer.reset(app);
        Duration stopTook = null;
        Duration startTook = null;
        switch (action) {
            case STOP -> stopTook = tookIf(before.isUp(), app.stop());
            case START -> startTook = tookIf(!before.isUp(), app.start(APP_START_DEADLINE, false));
            case RESTART -> {
                stopTook = tookIf(before.isUp(), app.stop());
                startTook = app.start(APP_START_DEADLINE, false);
            }
            case KILL -> app.kill();
        }
        return new AppActionResult.InstanceResult(
                app.id(), app.url().toString(), before, app.state(), stopTook, startTook);
    }

    private static Duration tookIf(boolean acted, Duration took) {
        return acted ? took : null;
    }

    /**
     * SIGKILLs every running instance of a region on purpose (a region outage) and keeps the others
     * down: none of them is healed until the region comes back.
     */
    List<AppActionResult.InstanceResult> killForOutage(String regionId) {
        List<AppActionResult.InstanceResult> results = new ArrayList<>();
        for (AppInstance app : region(regionId)) {
            AppState before = app.state();
            healer.reset(app);
            if (before.isUp()) {
                app.kill();
            } else {
                app.holdDown();
            }
            results.add(new AppActionResult.InstanceResult(
                    app.id(), app.url().toString(), before, app.state(), null, null));
        }
        return results;
    }

    List<EnvironmentStatus.AppStatus> status(String regionId) {
        return region(regionId).stream()
                .map(app -> app.status(healer.status(app)))
                .toList();
    }

    private void checkPortFree(AppInstance app) {
        try (ServerSocket socket = new ServerSocket(app.port(), 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "port " + app.port() + " for app " + app.id() + " is in use; stop whatever"
                            + " listens there, or set local.appBasePort in hadr.yaml (0 picks free ports)");
        }
    }

    /** Runs {@code action} on every instance in parallel; returns the results in order, or rethrows the first failure after all finished. */
    private <R> List<R> forEach(List<AppInstance> apps, Function<AppInstance, R> action) {
        List<Future<R>> futures = new ArrayList<>();
        for (AppInstance app : apps) {
            futures.add(workers.submit(() -> action.apply(app)));
        }
        List<R> results = new ArrayList<>();
        RuntimeException first = null;
        for (Future<R> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                RuntimeException failure = e.getCause() instanceof RuntimeException r
                        ? r
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
        return results;
    }

    /** Stops healing, then every instance gracefully (in parallel). Safe to call twice. */
    @Override
    public void close() {
        healer.close();
        List<AppInstance> all = byRegion.values().stream().flatMap(List::stream).toList();
        try {
            forEach(all, AppInstance::stop);
        } catch (RuntimeException e) {
            log.warn("stopping apps: {}", e.getMessage());
        }
        workers.shutdownNow();
        launcher.close();
    }
}
