package io.hadr.local;

import io.hadr.core.topology.ConnectionBudget;
import io.hadr.core.topology.FrontDoorSpec;
import io.hadr.core.topology.Topology;
import io.hadr.frontdoor.FrontDoor;
import io.hadr.frontdoor.OriginConfig;
import io.hadr.frontdoor.OriginStatus;
import io.hadr.toolkit.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scaling a region's app, like changing App Service's instance count: afterwards the region runs
 * exactly the number asked for. Stopped instances are started first (a warm standby's secondary
 * goes from none running to N this way), then new ones are made, started and added to the front
 * door's origin group (unhealthy until their probes pass). Instances beyond the count are removed
 * from the origin group first, their requests in flight drained, and only then stopped.
 *
 * <p>A scale the database's connections cannot hold is refused before anything changes: every
 * instance opens a pool of {@code app.databasePoolSize} sessions to the primary.
 */
final class AppScaling {

    private static final Logger log = LoggerFactory.getLogger(AppScaling.class);

    private final Topology topology;
    private final AppFleet apps;
    private final FrontDoor frontDoor;
    /** Each region's origin settings at its last scale, so that scaling out of zero keeps an operator's changes. */
    private final Map<String, OriginSettings> lastSettings = new HashMap<>();

    AppScaling(Topology topology, AppFleet apps, FrontDoor frontDoor) {
        this.topology = topology;
        this.apps = apps;
        this.frontDoor = frontDoor;
    }

    /** Makes {@code regionId} run exactly {@code instances} app instances; returns once they run (or are gone). */
    synchronized ScaleResult scale(String regionId, int instances) {
        ScaleRequest.check(instances);
        List<AppInstance> current = apps.region(regionId);
        checkBudget(regionId, instances);
        long started = System.nanoTime();
        List<AppInstance> kept = current.subList(0, Math.min(instances, current.size()));
        List<AppInstance> surplus = current.subList(kept.size(), current.size());
        OriginSettings origin = originSettings(regionId, current);
        lastSettings.put(regionId, origin);

        List<AppActionResult.InstanceResult> removed = surplus.isEmpty() ? List.of() : removeAll(regionId, surplus);

        List<AppInstance> toStart =
                new ArrayList<>(kept.stream().filter(app -> !app.state().isUp()).toList());
        List<AppInstance> added =
                instances > current.size() ? apps.add(regionId, instances - current.size()) : List.of();
        toStart.addAll(added);
        List<AppActionResult.InstanceResult> startedApps = toStart.isEmpty() ? List.of() : apps.start(toStart);
        for (AppInstance app : added) {
            // A new origin is unhealthy until its probes pass; the front door probes it at once.
            frontDoor.addOrigin(
                    new OriginConfig(app.id(), app.url(), origin.priority(), origin.weight(), origin.enabled()));
        }
        ScaleResult result = new ScaleResult(
                regionId,
                current.size(),
                apps.region(regionId).size(),
                startedApps,
                removed,
                Duration.ofNanos(System.nanoTime() - started));
        log.info(
                "scaled {} from {} to {} instances in {}",
                regionId,
                result.before(),
                result.after(),
                Deadline.seconds(result.took()));
        return result;
    }

    private void checkBudget(String regionId, int instances) {
        ConnectionBudget budget = topology.connectionBudget();
        for (Map.Entry<String, List<AppInstance>> region : apps.byRegion().entrySet()) {
            budget = budget.withInstances(region.getKey(), region.getValue().size());
        }
        budget = budget.withInstances(regionId, instances);
        if (!budget.fits()) {
            throw new LocalEnvironmentException("scaling " + regionId + " to " + instances + " instances needs "
                    + budget.required() + " database sessions (" + budget.arithmetic() + "), but the database accepts "
                    + budget.maxConnections() + " (database.maxConnections); scale another region in first, or raise "
                    + "database.maxConnections in hadr.yaml and restart");
        }
    }

    /** Out of the origin group, drained, stopped, gone; in parallel. */
    private List<AppActionResult.InstanceResult> removeAll(String regionId, List<AppInstance> surplus) {
        Duration drainLimit = topology.frontDoor().originResponseTimeout().plusSeconds(5);
        List<CompletableFuture<OriginStatus>> drains = new ArrayList<>();
        long started = System.nanoTime();
        for (AppInstance app : surplus) {
            drains.add(frontDoor.removeOrigin(app.id()));
        }
        Deadline deadline = Deadline.after(drainLimit);
        for (int i = 0; i < surplus.size(); i++) {
            try {
                drains.get(i).get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.warn(
                        "requests to app {} still in flight after {}; stopping it anyway",
                        surplus.get(i).id(),
                        Deadline.seconds(drainLimit));
            } catch (ExecutionException e) {
                log.warn(
                        "draining app {} failed: {}",
                        surplus.get(i).id(),
                        e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalEnvironmentException("interrupted while draining " + regionId + "'s instances", e);
            }
        }
        Duration drained = Duration.ofNanos(System.nanoTime() - started);
        List<AppActionResult.InstanceResult> stopped = apps.stop(surplus);
        apps.remove(regionId, surplus);
        List<AppActionResult.InstanceResult> results = new ArrayList<>();
        for (AppActionResult.InstanceResult r : stopped) {
            results.add(new AppActionResult.InstanceResult(
                    r.id(),
                    r.url(),
                    r.before(),
                    r.after(),
                    (r.stopTook() == null ? Duration.ZERO : r.stopTook()).plus(drained),
                    null));
        }
        return results;
    }

    /**
     * Priority, weight and enabled of the region's origin now (an operator may have changed them);
     * when the region has no instance left, those it had then, or the topology's.
     */
    private OriginSettings originSettings(String regionId, List<AppInstance> current) {
        List<String> names = current.stream().map(AppInstance::id).toList();
        for (OriginStatus origin : frontDoor.origins()) {
            if (names.contains(origin.name())) {
                return new OriginSettings(origin.priority(), origin.weight(), origin.enabled());
            }
        }
        OriginSettings last = lastSettings.get(regionId);
        if (last != null) {
            return last;
        }
        FrontDoorSpec.Origin configured = topology.frontDoor().origin(regionId);
        return new OriginSettings(configured.priority(), configured.weight(), configured.enabled());
    }

    private record OriginSettings(int priority, int weight, boolean enabled) {}
}
