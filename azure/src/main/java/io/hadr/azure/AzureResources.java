package io.hadr.azure;

import com.fasterxml.jackson.databind.JsonNode;
import io.hadr.core.platform.PlatformException;
import io.hadr.core.topology.Topology;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names of what a hadr deployment created, as its outputs report them (Azure computes the
 * globally unique ones), and the ARM paths built from them.
 *
 * @param resourceGroupId {@code /subscriptions/{s}/resourceGroups/{g}}
 * @param strategy the strategy the deployment was made for
 * @param regions per region id: plan, site, SQL server and origin names
 * @param database the database name
 * @param failoverGroup the failover group's name, or null (cold standby has none)
 * @param deployedAt when the deployment last finished
 */
public record AzureResources(
        String resourceGroupId,
        String strategy,
        Map<String, Regional> regions,
        String database,
        String failoverGroup,
        String profile,
        String endpoint,
        String originGroup,
        String endpointHostName,
        String frontDoorId,
        Instant deployedAt) {

    /** One region's resources. */
    public record Regional(String plan, String site, String sqlServer, String origin) {}

    public AzureResources {
        regions = Map.copyOf(regions);
    }

    /** Reads a deployment's outputs (the {@code hadr} object the template writes). */
    static AzureResources fromDeployment(String resourceGroupId, JsonNode deployment, Topology topology) {
        JsonNode properties = deployment.path("properties");
        JsonNode out = properties.path("outputs").path(ArmTemplate.OUTPUT).path("value");
        if (!out.isObject()) {
            throw new PlatformException(
                    "the deployment '" + deployment.path("name").asText() + "' has no 'hadr' output;"
                            + " it was not made by 'hadr azure up' from this version: run 'hadr azure up' again");
        }
        Map<String, Regional> regions = new LinkedHashMap<>();
        for (var region : topology.regions()) {
            JsonNode r = out.path("regions").path(region.id());
            if (!r.isObject()) {
                throw new PlatformException(
                        "the deployment has no resources for region '" + region.id() + "': it was made from another"
                                + " topology; run 'hadr azure up' with this one, or use the topology file it was made from");
            }
            regions.put(
                    region.id(),
                    new Regional(
                            r.path("plan").asText(),
                            r.path("site").asText(),
                            r.path("sqlServer").asText(),
                            r.path("origin").asText()));
        }
        String fog = out.path("failoverGroup").asText("");
        String timestamp = properties.path("timestamp").asText(null);
        return new AzureResources(
                resourceGroupId,
                out.path("strategy").asText(),
                regions,
                out.path("database").asText(),
                fog.isEmpty() ? null : fog,
                out.path("profile").asText(),
                out.path("endpoint").asText(),
                out.path("originGroup").asText(),
                out.path("endpointHostName").asText(),
                out.path("frontDoorId").asText(),
                timestamp == null ? null : Instant.parse(timestamp));
    }

    public Regional region(String id) {
        Regional regional = regions.get(id);
        if (regional == null) {
            throw new IllegalArgumentException(
                    "no region '" + id + "' in the deployment; the regions are " + regions.keySet());
        }
        return regional;
    }

    String sitePath(String region) {
        return resourceGroupId + "/providers/Microsoft.Web/sites/"
                + region(region).site();
    }

    String planPath(String region) {
        return resourceGroupId + "/providers/Microsoft.Web/serverfarms/"
                + region(region).plan();
    }

    String serverPath(String region) {
        return serverPathByName(region(region).sqlServer());
    }

    String serverPathByName(String server) {
        return resourceGroupId + "/providers/Microsoft.Sql/servers/" + server;
    }

    String failoverGroupPath(String region) {
        return serverPath(region) + "/failoverGroups/" + failoverGroup;
    }

    String databasePath(String server, String databaseName) {
        return serverPathByName(server) + "/databases/" + databaseName;
    }

    String profilePath() {
        return resourceGroupId + "/providers/Microsoft.Cdn/profiles/" + profile;
    }

    String originPath(String region) {
        return profilePath() + "/originGroups/" + originGroup + "/origins/"
                + region(region).origin();
    }

    /** The region whose SQL server has this name, or null. */
    String regionOfServer(String server) {
        return regions.entrySet().stream()
                .filter(e -> e.getValue().sqlServer().equalsIgnoreCase(server))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }
}
