package io.hadr.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hadr.azure.internal.ArmClient;
import io.hadr.azure.internal.Durations;
import io.hadr.azure.internal.ResourcePath;
import io.hadr.core.json.Json;
import io.hadr.core.platform.PlatformException;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.Topology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code hadr azure up} and {@code down}: deploys the topology's ARM template through the
 * deployments API, uploads the app jar to both web apps, stops what the strategy keeps stopped,
 * and waits until the apps run and the endpoint answers from the primary region; and deletes
 * what a deployment created. Every step prints a progress line; every wait has a deadline.
 */
public final class AzureDeployer {

    /** Tag on a resource group hadr created itself, so that {@code down} may remove it once empty. */
    public static final String CREATED_TAG = "hadr-created";

    private static final Duration STEP_DEADLINE = Duration.ofMinutes(20);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Deleted first to last: the failover group before its servers; children go with their parents. */
    private static final List<String> DELETE_ORDER = List.of(
            "microsoft.sql/servers/failovergroups",
            "microsoft.cdn/profiles",
            "microsoft.web/sites",
            "microsoft.web/serverfarms",
            "microsoft.sql/servers");

    private final Topology topology;
    private final AzureTarget target;
    private final ArmClient arm;
    private final HttpClient web;
    private final Consumer<String> out;

    public AzureDeployer(Topology topology, AzureTarget target, ArmClient arm, HttpClient web, Consumer<String> out) {
        this.topology = topology;
        this.target = target;
        this.arm = arm;
        this.web = web;
        this.out = out;
    }

    /** A deployer that authenticates with {@code credential} (azure-identity's default chain in the CLI). */
    public static AzureDeployer create(
            Topology topology, AzureTarget target, TokenCredential credential, Consumer<String> out) {
        return new AzureDeployer(
                topology,
                target,
                ArmClient.create(target, credential, new JdkHttpClientBuilder().build()),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                out);
    }

    public ArmClient arm() {
        return arm;
    }

    private String deploymentPath() {
        return target.resourceGroupId() + "/providers/Microsoft.Resources/deployments/"
                + ArmTemplate.deploymentName(topology);
    }

    /** The resources of the topology's deployment, or nothing when there is none (or it has not succeeded). */
    static Optional<AzureResources> readDeployment(ArmClient arm, AzureTarget target, Topology topology) {
        String path = target.resourceGroupId() + "/providers/Microsoft.Resources/deployments/"
                + ArmTemplate.deploymentName(topology);
        Optional<JsonNode> deployment;
        try {
            deployment = arm.find(path, AzureApi.RESOURCES);
        } catch (AzureException e) {
            if ("ResourceGroupNotFound".equals(e.code())) {
                return Optional.empty();
            }
            throw e;
        }
        if (deployment.isEmpty()) {
            return Optional.empty();
        }
        String state =
                deployment.get().path("properties").path("provisioningState").asText("");
        if (!"Succeeded".equalsIgnoreCase(state)) {
            throw new PlatformException("the deployment " + ArmTemplate.deploymentName(topology) + " is " + state
                    + ", not Succeeded; run 'hadr azure up' again");
        }
        return Optional.of(AzureResources.fromDeployment(target.resourceGroupId(), deployment.get(), topology));
    }

    /**
     * Deploys everything and waits until it serves.
     *
     * @param appJar the app every region runs
     * @param sqlPassword the SQL administrator password (both servers; the apps get it as an app setting)
     * @param deadline how long to wait for the apps and the endpoint once deployed
     */
    public AzureResources up(Path appJar, String sqlPassword, Duration deadline) {
        Instant start = arm.clock().instant();
        refuseWhenFailedOver();
        ensureResourceGroup();
        TemplateFiles files = ArmTemplate.generate(topology);
        for (TopologyMapping adjusted : files.adjusted()) {
            out.accept("  ▸ note: " + adjusted.setting() + " " + adjusted.adjustment());
        }
        deploy(files, sqlPassword, start);
        AzureResources resources = readDeployment(arm, target, topology)
                .orElseThrow(() -> new PlatformException(
                        "the deployment finished but Azure does not show it; run 'hadr azure status' to look"));
        byte[] jar = readJar(appJar);
        for (Region region : topology.regions()) {
            upload(resources, region.id(), jar, appJar);
        }
        for (Region region : topology.regions()) {
            if (!runs(region)) {
                out.accept("  ▸ app " + region.id() + ": stopping "
                        + resources.region(region.id()).site() + " ("
                        + topology.strategy().id() + " keeps it stopped until a disaster)");
                arm.post(sitePath(resources, region.id()) + "/stop", AzureApi.WEB, null, STEP_DEADLINE, out);
            }
        }
        awaitServing(resources, deadline);
        out.accept("  ▸ deployed and serving after "
                + Durations.words(Duration.between(start, arm.clock().instant())));
        return resources;
    }

    /**
     * The template declares the failover group on the topology's primary server, and Azure takes
     * changes to a group only on its primary: after a failover a redeployment would fail half-way
     * with FailoverGroupUpdateOrDeleteRequestOnSecondary. Say so before touching anything.
     */
    private void refuseWhenFailedOver() {
        Optional<JsonNode> deployment;
        try {
            deployment = arm.find(deploymentPath(), AzureApi.RESOURCES);
        } catch (AzureException e) {
            if ("ResourceGroupNotFound".equals(e.code())) {
                return;
            }
            throw e;
        }
        // A deployment that failed part-way is simply deployed again.
        if (deployment.isEmpty()
                || !"Succeeded"
                        .equalsIgnoreCase(deployment
                                .get()
                                .path("properties")
                                .path("provisioningState")
                                .asText())) {
            return;
        }
        AzureResources resources = AzureResources.fromDeployment(target.resourceGroupId(), deployment.get(), topology);
        if (resources.failoverGroup() == null) {
            return;
        }
        String primary = topology.primary().id();
        Optional<JsonNode> group = arm.find(resources.failoverGroupPath(primary), AzureApi.SQL);
        if (group.isPresent()
                && !"Primary"
                        .equalsIgnoreCase(group.get()
                                .path("properties")
                                .path("replicationRole")
                                .asText())) {
            throw new PlatformException("the failover group " + resources.failoverGroup() + " has its primary in "
                    + topology.secondary().id() + " now, but the topology makes " + primary
                    + " primary, and Azure changes a failover"
                    + " group only through its primary: fail back first (a planned failover), or make "
                    + topology.secondary().id()
                    + " the primary region in the topology, then run 'hadr azure up' again");
        }
    }

    private boolean runs(Region region) {
        return region.appInstances() > 0 && (region.isPrimary() || !AzurePlatform.secondaryStopped(topology));
    }

    private void ensureResourceGroup() {
        String path = target.resourceGroupId();
        if (arm.find(path, AzureApi.RESOURCES).isPresent()) {
            out.accept("  ▸ resource group " + target.resourceGroup() + " exists");
            return;
        }
        ObjectNode body = F.objectNode().put("location", target.location());
        body.putObject("tags").put(CREATED_TAG, "true").put("hadr-topology", topology.name());
        arm.put(path, AzureApi.RESOURCES, body, STEP_DEADLINE, out);
        out.accept("  ▸ resource group " + target.resourceGroup() + " created in " + target.location());
    }

    private void deploy(TemplateFiles files, String sqlPassword, Instant start) {
        ObjectNode body = F.objectNode();
        ObjectNode properties = body.putObject("properties");
        properties.put("mode", "Incremental");
        properties.set("template", files.templateJson());
        ObjectNode parameters = properties.putObject("parameters");
        files.parametersJson()
                .path("parameters")
                .fields()
                .forEachRemaining(e -> parameters.set(e.getKey(), e.getValue()));
        parameters.putObject("sqlAdministratorPassword").put("value", sqlPassword);
        String name = ArmTemplate.deploymentName(topology);
        out.accept("  ▸ deploying " + name + " ("
                + files.templateJson().path("resources").size() + " resources) to " + target.resourceGroup());
        arm.begin(HttpMethod.PUT, deploymentPath(), AzureApi.RESOURCES, body);
        Set<String> reported = new HashSet<>();
        JsonNode done = arm.await("deployment " + name + " finishes", Duration.ofMinutes(90), () -> {
            JsonNode deployment = arm.get(deploymentPath(), AzureApi.RESOURCES);
            reportOperations(reported, start);
            String state =
                    deployment.path("properties").path("provisioningState").asText("");
            return switch (state.toLowerCase(Locale.ROOT)) {
                case "succeeded", "failed", "canceled" -> deployment;
                default -> null;
            };
        });
        String state = done.path("properties").path("provisioningState").asText();
        if (!"Succeeded".equalsIgnoreCase(state)) {
            throw deploymentFailure(done, state);
        }
    }

    private void reportOperations(Set<String> reported, Instant start) {
        JsonNode operations = arm.get(deploymentPath() + "/operations", AzureApi.RESOURCES);
        for (JsonNode operation : operations.path("value")) {
            JsonNode p = operation.path("properties");
            String state = p.path("provisioningState").asText("");
            String resource = p.path("targetResource").path("resourceType").asText() + " "
                    + p.path("targetResource").path("resourceName").asText();
            String key = resource + " " + state;
            if (("Succeeded".equalsIgnoreCase(state) || "Failed".equalsIgnoreCase(state)) && reported.add(key)) {
                String verb = "Succeeded".equalsIgnoreCase(state) ? "created" : "FAILED";
                out.accept("  ▸ " + verb + " " + resource + " ("
                        + Durations.words(Duration.between(start, arm.clock().instant())) + ")");
            }
        }
    }

    /** The first failed operation's resource and error code, else the deployment's own error. */
    private AzureException deploymentFailure(JsonNode deployment, String state) {
        JsonNode operations = arm.get(deploymentPath() + "/operations", AzureApi.RESOURCES);
        for (JsonNode operation : operations.path("value")) {
            JsonNode p = operation.path("properties");
            if ("Failed".equalsIgnoreCase(p.path("provisioningState").asText())) {
                JsonNode error = innermost(p.path("statusMessage").path("error"));
                String resource = p.path("targetResource").path("resourceType").asText() + " "
                        + p.path("targetResource").path("resourceName").asText();
                int status = p.path("statusCode").isTextual()
                        ? statusOf(p.path("statusCode").asText())
                        : p.path("statusCode").asInt();
                return AzureException.of(
                        "deploy",
                        resource,
                        status,
                        error.path("code").asText(null),
                        error.path("message").asText(null));
            }
        }
        JsonNode error = innermost(deployment.path("properties").path("error"));
        return AzureException.of(
                "deploy",
                "Microsoft.Resources/deployments " + ArmTemplate.deploymentName(topology),
                0,
                error.path("code").asText(state),
                error.path("message").asText("the deployment ended " + state));
    }

    private static int statusOf(String word) {
        return switch (word) {
            case "BadRequest" -> 400;
            case "Conflict" -> 409;
            case "NotFound" -> 404;
            case "Forbidden" -> 403;
            default -> 0;
        };
    }

    /** Azure nests the useful error in details; take the deepest first one. */
    private static JsonNode innermost(JsonNode error) {
        JsonNode current = error;
        while (current.path("details").isArray() && !current.path("details").isEmpty()) {
            current = current.path("details").get(0);
        }
        return current;
    }

    private static byte[] readJar(Path appJar) {
        try {
            return Files.readAllBytes(appJar);
        } catch (IOException e) {
            throw new PlatformException("cannot read the app jar " + appJar + ": " + e.getMessage(), e);
        }
    }

    private static String sitePath(AzureResources resources, String region) {
        return resources.resourceGroupId() + "/providers/Microsoft.Web/sites/"
                + resources.region(region).site();
    }

    /** App Service's deployment endpoint (Kudu's OneDeploy): {@code POST https://<scm host>/api/publish?type=jar}. */
    private void upload(AzureResources resources, String region, byte[] jar, Path appJar) {
        String site = resources.region(region).site();
        JsonNode properties = arm.get(sitePath(resources, region), AzureApi.WEB).path("properties");
        String scm = null;
        for (JsonNode host : properties.path("hostNameSslStates")) {
            if ("Repository".equalsIgnoreCase(host.path("hostType").asText())) {
                scm = host.path("name").asText();
            }
        }
        if (scm == null) {
            throw new PlatformException(
                    "Azure reports no deployment (scm) host for the app " + site + "; cannot upload the app jar");
        }
        out.accept("  ▸ app " + region + ": uploading " + appJar.getFileName() + " (" + jar.length / 1024 + " KiB) to "
                + site);
        URI url = URI.create("https://" + scm + "/api/publish?type=jar");
        ArmClient.Reply reply = arm.send(HttpMethod.POST, url, jar, "application/octet-stream");
        if (reply.status() / 100 != 2) {
            String body = new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8);
            throw AzureException.of(
                    "upload the app jar to",
                    "Microsoft.Web/sites " + site + " (" + scm + "/api/publish)",
                    reply.status(),
                    reply.headers().getValue(HttpHeaderName.fromString("x-ms-error-code")),
                    body);
        }
    }

    private void awaitServing(AzureResources resources, Duration deadline) {
        for (Region region : topology.regions()) {
            if (runs(region)) {
                arm.await("the app of " + region.id() + " runs", deadline, () -> {
                    String state = arm.get(sitePath(resources, region.id()), AzureApi.WEB)
                            .path("properties")
                            .path("state")
                            .asText("");
                    return "Running".equalsIgnoreCase(state) ? Boolean.TRUE : null;
                });
                out.accept("  ▸ app " + region.id() + " (" + region.displayName() + ") is running");
            }
        }
        URI endpoint = URI.create("https://" + resources.endpointHostName() + "/");
        Set<String> expected = new HashSet<>();
        for (Region region : topology.regions()) {
            if (region.isPrimary()
                    || (topology.strategy() == io.hadr.core.topology.Strategy.ACTIVE_ACTIVE && runs(region))) {
                expected.add(region.displayName());
            }
        }
        out.accept("  ▸ waiting for " + endpoint + " to answer from " + String.join(" or ", expected)
                + " (Front Door takes minutes to publish a new route)");
        String[] last = {""};
        String region = arm.await(endpoint + " answers from " + String.join(" or ", expected), deadline, () -> {
            String seen = probe(endpoint);
            if (!seen.equals(last[0])) {
                last[0] = seen;
                out.accept("  ▸ endpoint: " + seen);
            }
            return seen.startsWith("region ") && expected.contains(seen.substring(7)) ? seen.substring(7) : null;
        });
        out.accept("  ▸ endpoint " + endpoint + " answers from " + region);
    }

    /** One request to the endpoint, described: {@code region Central India}, {@code 404}, {@code unreachable: ...}. */
    private String probe(URI endpoint) {
        try {
            HttpResponse<String> response = web.send(
                    HttpRequest.newBuilder(endpoint)
                            .timeout(Duration.ofSeconds(15))
                            .header("Accept", "application/json")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return "answers " + response.statusCode();
            }
            JsonNode body = Json.mapper().readTree(response.body());
            String region = body.path("region").asText("");
            return region.isEmpty() ? "answers 200 without a region" : "region " + region;
        } catch (IOException e) {
            return "unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while waiting for " + endpoint, e);
        }
    }

    // ---- down --------------------------------------------------------------------------------

    /** What {@code down} would delete, in order, in words; empty when there is no deployment. */
    public List<String> plannedDeletions() {
        return deletions().stream()
                .map(path -> ResourcePath.parse(path).describe())
                .toList();
    }

    private List<String> deletions() {
        Optional<JsonNode> deployment;
        try {
            deployment = arm.find(deploymentPath(), AzureApi.RESOURCES);
        } catch (AzureException e) {
            if ("ResourceGroupNotFound".equals(e.code())) {
                return List.of();
            }
            throw e;
        }
        if (deployment.isEmpty()) {
            return List.of();
        }
        List<String> paths = new ArrayList<>();
        for (JsonNode resource : deployment.get().path("properties").path("outputResources")) {
            String id = resource.path("id").asText();
            ResourcePath parsed = ResourcePath.parse(id);
            if (parsed.parent() == null || parsed.type().equalsIgnoreCase("Microsoft.Sql/servers/failoverGroups")) {
                paths.add(id);
            }
        }
        paths.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        return paths;
    }

    private static int rank(String id) {
        int index = DELETE_ORDER.indexOf(ResourcePath.parse(id).type().toLowerCase(Locale.ROOT));
        return index < 0 ? DELETE_ORDER.size() : index;
    }

    /**
     * Deletes what the deployment created (restored databases go with their servers), the
     * deployment record, and the resource group when hadr created it and it is now empty.
     *
     * @return what was deleted, in words
     */
    public List<String> down() {
        Instant start = arm.clock().instant();
        List<String> deleted = new ArrayList<>();
        for (String path : deletions()) {
            String what = ResourcePath.parse(path).describe();
            String deletePath = path;
            if (ResourcePath.parse(path).type().equalsIgnoreCase("Microsoft.Sql/servers/failoverGroups")) {
                deletePath = failoverGroupOnPrimary(path);
            }
            out.accept("  ▸ deleting " + what);
            arm.delete(deletePath, AzureApi.forType(ResourcePath.parse(path).type()), STEP_DEADLINE, out);
            deleted.add(what);
        }
        if (!deleted.isEmpty()) {
            arm.delete(deploymentPath(), AzureApi.RESOURCES, STEP_DEADLINE, out);
        }
        Optional<JsonNode> group = arm.find(target.resourceGroupId(), AzureApi.RESOURCES);
        if (group.isPresent()
                && "true".equals(group.get().path("tags").path(CREATED_TAG).asText())) {
            JsonNode left = arm.get(target.resourceGroupId() + "/resources", AzureApi.RESOURCES)
                    .path("value");
            if (left.isEmpty()) {
                out.accept(
                        "  ▸ deleting resource group " + target.resourceGroup() + " (hadr created it and it is empty)");
                arm.delete(target.resourceGroupId(), AzureApi.RESOURCES, STEP_DEADLINE, out);
                deleted.add("resource group " + target.resourceGroup());
            } else {
                out.accept("  ▸ keeping resource group " + target.resourceGroup() + ": it holds " + left.size()
                        + " other resources");
            }
        }
        out.accept("  ▸ deleted " + deleted.size() + " resources in "
                + Durations.words(Duration.between(start, arm.clock().instant())));
        return deleted;
    }

    /** Azure deletes a failover group only through its primary server, which a failover may have moved. */
    private String failoverGroupOnPrimary(String path) {
        Optional<JsonNode> group = arm.find(path, AzureApi.SQL);
        if (group.isEmpty()
                || "Primary"
                        .equalsIgnoreCase(group.get()
                                .path("properties")
                                .path("replicationRole")
                                .asText())) {
            return path;
        }
        String partner = group.get()
                .path("properties")
                .path("partnerServers")
                .path(0)
                .path("id")
                .asText();
        return partner + "/failoverGroups/" + ResourcePath.parse(path).name();
    }
}
