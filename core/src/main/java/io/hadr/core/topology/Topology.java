package io.hadr.core.topology;

import java.util.List;

/**
 * Everything hadr needs to know to run the application in two regions, locally or on Azure.
 * Read one with {@link TopologyLoader}; without a file, hadr uses {@link TopologyLoader#builtIn()}.
 *
 * @param name the deployment's name (Azure resource names derive from it)
 * @param strategy the DR strategy
 * @param regions exactly two regions, the primary first
 * @param source where the topology came from, for messages (a file path or "built-in topology")
 * @param nonAzureSettings settings that Azure itself would not accept (e.g. a probe interval or a
 *     failover grace period shorter than Azure allows), each as one sentence; empty when the
 *     topology would behave the same on Azure
 */
public record Topology(
        String name,
        Strategy strategy,
        List<Region> regions,
        AppSpec app,
        FrontDoorSpec frontDoor,
        DatabaseSpec database,
        BackupSpec backups,
        Objectives objectives,
        LocalSpec local,
        String source,
        List<String> nonAzureSettings) {

    public Topology {
        regions = List.copyOf(regions);
        nonAzureSettings = List.copyOf(nonAzureSettings);
    }

    /** The database sessions this topology needs, and whether they fit in {@code database.maxConnections}. */
    public ConnectionBudget connectionBudget() {
        return ConnectionBudget.of(this);
    }

    public Region primary() {
        return regions.stream().filter(Region::isPrimary).findFirst().orElseThrow();
    }

    public Region secondary() {
        return regions.stream().filter(r -> !r.isPrimary()).findFirst().orElseThrow();
    }

    /**
     * The region with this id.
     *
     * @throws IllegalArgumentException naming the regions that exist
     */
    public Region region(String id) {
        return regions.stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("no region '" + id + "' in " + source + "; the regions are "
                                + regions.stream().map(Region::id).toList()));
    }
}
