package io.hadr.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hadr.azure.internal.ArmClient;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.Capability;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.NotSupportedException;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.Platform;
import io.hadr.core.platform.PlatformException;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.RestoreTarget;
import io.hadr.core.platform.SqlResult;
import io.hadr.core.platform.SqlTarget;
import io.hadr.core.topology.FailoverPolicy;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.Strategy;
import io.hadr.core.topology.Topology;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The drills' {@link Platform} over Azure Resource Manager, acting on what {@code hadr azure up}
 * deployed (found through the deployment's outputs).
 *
 * <p>What maps onto Azure: app stop/start/restart (the sites' {@code stop}, {@code start},
 * {@code restart?synchronous=true} actions), scale (the App Service plan's {@code sku.capacity};
 * 0 stops the app, as App Service plans keep at least one instance), origin enable/disable,
 * priority and weight (a PATCH of the origin, a long-running operation), failover planned,
 * forced and try-planned (the failover group's {@code failover}, {@code forceFailoverAllowDataLoss}
 * and {@code tryPlannedBeforeForcedFailover} actions, POSTed to the secondary server, which
 * becomes primary), point-in-time restore ({@code createMode: PointInTimeRestore}) and geo-restore
 * ({@code createMode: Recovery}), adopt (the apps' connection string), status.
 *
 * <p>What does not, and says so with {@link NotSupportedException}: killing an instance, taking a
 * region down, the inter-region link, restore to an LSN or a named mark, and running SQL.
 * Every call returns once Azure reports the change done, not when it was merely accepted.
 */
public final class AzurePlatform implements Platform {

    /** What {@code report.json} and the status call this platform. */
    public static final String KIND = "azure";

    private static final Duration APP_DEADLINE = Duration.ofMinutes(10);
    private static final Duration ORIGIN_DEADLINE = Duration.ofMinutes(20);
    private static final Duration FAILOVER_DEADLINE = Duration.ofMinutes(30);
    /** Azure SQL restores usually finish within 12 hours. */
    private static final Duration RESTORE_DEADLINE = Duration.ofHours(12);

    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    private static final DateTimeFormatter RESTORE_SUFFIX =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Topology topology;
    private final AzureTarget target;
    private final ArmClient arm;
    private final AzureResources resources;
    private final Consumer<String> progress;
    private volatile FailoverResult lastFailover;

    /**
     * Connects to the deployment of {@code topology} in {@code target}, authenticating with
     * {@code credential} (e.g. azure-identity's {@code DefaultAzureCredentialBuilder().build()}).
     *
     * @param progress receives one line per step of a long operation (e.g. {@code System.out::println})
     * @throws PlatformException when there is no hadr deployment of this topology in the target
     */
    public static AzurePlatform connect(
            Topology topology, AzureTarget target, TokenCredential credential, Consumer<String> progress) {
        return new AzurePlatform(
                topology, target, ArmClient.create(target, credential, new JdkHttpClientBuilder().build()), progress);
    }

    /**
     * Connects with azure-identity's default credential chain ({@code az login}, environment
     * variables, managed identity, ...), as the {@code hadr} command does.
     */
    public static AzurePlatform connect(Topology topology, AzureTarget target, Consumer<String> progress) {
        return connect(topology, target, new com.azure.identity.DefaultAzureCredentialBuilder().build(), progress);
    }

    /** For tests and callers that build their own {@link ArmClient} (e.g. another pipeline). */
    public AzurePlatform(Topology topology, AzureTarget target, ArmClient arm, Consumer<String> progress) {
        this.topology = topology;
        this.target = target;
        this.arm = arm;
        this.progress = progress;
        this.resources = AzureDeployer.readDeployment(arm, target, topology)
                .orElseThrow(() ->
                        new PlatformException("there is no hadr deployment '" + ArmTemplate.deploymentName(topology)
                                + "' in resource group " + target.resourceGroup() + " of subscription "
                                + target.subscriptionId()
                                + "; run 'hadr azure up' first"));
    }

    /** The names of what the deployment created. */
    public AzureResources resources() {
        return resources;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public URI endpoint() {
        return URI.create("https://" + resources.endpointHostName() + "/");
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> capabilities = EnumSet.of(
                Capability.APP_LIFECYCLE,
                Capability.APP_SCALE,
                Capability.ORIGIN_UPDATE,
                Capability.RESTORE,
                Capability.GEO_RESTORE,
                Capability.ADOPT);
        if (resources.failoverGroup() != null) {
            capabilities.add(Capability.DB_FAILOVER);
        }
        return capabilities;
    }

    // ---- apps ------------------------------------------------------------------------------

    @Override
    public void app(String region, AppAction action) {
        topology.region(region);
        String site = resources.sitePath(region);
        switch (action) {
            case STOP -> {
                arm.post(site + "/stop", AzureApi.WEB, null, APP_DEADLINE, progress);
                awaitSiteState(region, "Stopped");
            }
            case START -> {
                arm.post(site + "/start", AzureApi.WEB, null, APP_DEADLINE, progress);
                awaitSiteState(region, "Running");
            }
            case RESTART -> {
                // synchronous=true: Azure answers once the app has restarted; softRestart=false recycles the process.
                arm.post(
                        site + "/restart?softRestart=false&synchronous=true",
                        AzureApi.WEB,
                        null,
                        APP_DEADLINE,
                        progress);
                awaitSiteState(region, "Running");
            }
            case KILL ->
                throw NotSupportedException.of(
                        KIND,
                        Capability.APP_KILL,
                        "App Service has no API that crashes an instance; 'restart' recycles the app and 'stop' stops it");
        }
    }

    @Override
    public void scale(String region, int instances) {
        topology.region(region);
        if (instances < 0) {
            throw new IllegalArgumentException("an instance count cannot be negative, but was " + instances);
        }
        if (instances == 0) {
            // An App Service plan keeps at least one instance; no running instance means a stopped app.
            app(region, AppAction.STOP);
            return;
        }
        String planPath = resources.planPath(region);
        ObjectNode plan = (ObjectNode) arm.get(planPath, AzureApi.WEB);
        ((ObjectNode) plan.with("sku")).put("capacity", instances);
        arm.put(planPath, AzureApi.WEB, writable(plan), APP_DEADLINE, progress);
        if (!"Running".equalsIgnoreCase(siteState(region))) {
            app(region, AppAction.START);
        }
    }

    private String siteState(String region) {
        return arm.get(resources.sitePath(region), AzureApi.WEB)
                .path("properties")
                .path("state")
                .asText("");
    }

    private void awaitSiteState(String region, String state) {
        arm.await(
                "the app of " + region + " (" + resources.region(region).site() + ") reports " + state,
                APP_DEADLINE,
                () -> state.equalsIgnoreCase(siteState(region)) ? Boolean.TRUE : null);
    }

    /** A PUT body from a GET: what a client may send back (ARM ignores read-only values, but ids and types are not ours to send). */
    private static ObjectNode writable(ObjectNode resource) {
        ObjectNode body = resource.deepCopy();
        body.remove(List.of("id", "name", "type", "etag", "systemData"));
        return body;
    }

    // ---- regions and the link ------------------------------------------------------------------

    @Override
    public void region(String region, RegionAction action) {
        throw NotSupportedException.of(
                KIND,
                Capability.REGION_OUTAGE,
                "Azure cannot take a region down on request; to rehearse"
                        + " an outage stop the region's app ('hadr app stop') and force a failover ('hadr db failover --forced')");
    }

    @Override
    public void link(LinkFault fault) {
        throw NotSupportedException.of(
                KIND,
                Capability.LINK_FAULTS,
                "the link between Azure regions is Microsoft's network; hadr can neither slow it down nor cut it");
    }

    // ---- the database ------------------------------------------------------------------------

    /** The region whose server is the failover group's primary now, read from Azure. */
    private String currentPrimary() {
        String first = topology.primary().id();
        JsonNode group = arm.get(resources.failoverGroupPath(first), AzureApi.SQL);
        String role = group.path("properties").path("replicationRole").asText("");
        return "Primary".equalsIgnoreCase(role) ? first : topology.secondary().id();
    }

    private String other(String region) {
        return topology.regions().stream()
                .map(Region::id)
                .filter(id -> !id.equals(region))
                .findFirst()
                .orElseThrow();
    }

    @Override
    public FailoverResult failover(FailoverMode mode) {
        if (resources.failoverGroup() == null) {
            throw NotSupportedException.of(
                    KIND,
                    Capability.DB_FAILOVER,
                    "a cold standby has no failover group;"
                            + " recover with a geo-restore into the other region ('hadr db restore --from-region') and adopt it");
        }
        Instant start = arm.clock().instant();
        String oldPrimary = currentPrimary();
        String newPrimary = other(oldPrimary);
        String action = switch (mode) {
            case PLANNED -> "failover";
            case FORCED -> "forceFailoverAllowDataLoss";
            case TRY_PLANNED -> "tryPlannedBeforeForcedFailover";
        };
        progress.accept("database: " + mode.word() + " failover to " + newPrimary + " (POST " + action + " to server "
                + resources.region(newPrimary).sqlServer() + ")");
        // Azure takes failover requests at the secondary, the server that is to become primary.
        arm.post(
                resources.failoverGroupPath(newPrimary) + "/" + action,
                AzureApi.SQL,
                null,
                FAILOVER_DEADLINE,
                progress);
        List<FailoverResult.Phase> phases = new ArrayList<>();
        phases.add(new FailoverResult.Phase(
                "failover completed",
                Duration.between(start, arm.clock().instant()).toMillis()));
        arm.await(
                "the failover group reports " + newPrimary + " as primary",
                FAILOVER_DEADLINE,
                () -> newPrimary.equals(currentPrimary()) ? Boolean.TRUE : null);
        phases.add(new FailoverResult.Phase(
                "roles confirmed",
                Duration.between(start, arm.clock().instant()).toMillis()));
        // Azure does not report whether try-planned fell back to forced, so that case counts as possibly lossy.
        FailoverResult result = new FailoverResult(
                mode, mode, oldPrimary, newPrimary, start, phases, mode != FailoverMode.PLANNED, null);
        lastFailover = result;
        return result;
    }

    @Override
    public void mark(String name) {
        throw NotSupportedException.of(
                KIND,
                Capability.RESTORE_EXACT,
                "Azure SQL Database has no named restore points; restore to a time instead");
    }

    @Override
    public RestoreResult restore(RestoreRequest request) {
        if (!(request.target() instanceof RestoreTarget.AtTime || request.target() instanceof RestoreTarget.Latest)) {
            throw NotSupportedException.of(
                    KIND,
                    Capability.RESTORE_EXACT,
                    "Azure SQL point-in-time restore takes a time"
                            + " (restorePointInTime); it cannot stop at a log sequence number or a named mark");
        }
        Instant start = arm.clock().instant();
        // The latest point: from the primary's own backups that is now (Azure's point-in-time restore
        // reaches the present through its log backups); a geo-restore takes the latest geo-replicated backup.
        boolean latest = request.target() instanceof RestoreTarget.Latest;
        RestoreTarget.AtTime at = latest ? new RestoreTarget.AtTime(start) : (RestoreTarget.AtTime) request.target();
        if (at.time().isAfter(start)) {
            throw new IllegalArgumentException(
                    "cannot restore to " + at.time() + ": it is in the future (now " + start + ")");
        }
        String name =
                request.as() != null ? request.as() : resources.database() + "-restore-" + RESTORE_SUFFIX.format(start);
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "'" + name + "' is not a usable database name: up to 128 letters, digits, '_' and '-'");
        }
        String sourceRegion =
                resources.failoverGroup() == null ? topology.primary().id() : currentPrimary();
        String sourceServer = resources.region(sourceRegion).sqlServer();
        String sourceId = resources.databasePath(sourceServer, resources.database());
        String targetRegion;
        ObjectNode properties = F.objectNode();
        Instant reached;
        if (request.fromRegion() == null) {
            targetRegion = sourceRegion;
            JsonNode source = arm.get(sourceId, AzureApi.SQL);
            String earliest =
                    source.path("properties").path("earliestRestoreDate").asText(null);
            if (earliest != null && at.time().isBefore(Instant.parse(earliest))) {
                throw new PlatformException("cannot restore " + resources.database() + " to " + at.time()
                        + ": its earliest restore point is " + earliest
                        + " (backups.retention and the age of the database bound it)");
            }
            properties.put("createMode", "PointInTimeRestore");
            properties.put("sourceDatabaseId", sourceId);
            properties.put("restorePointInTime", at.time().toString());
            reached = at.time();
        } else {
            topology.region(request.fromRegion());
            targetRegion = request.fromRegion();
            // Geo-restore reads the geo-replicated backups; it restores the latest one, not a chosen time.
            String recoverable =
                    resources.serverPathByName(sourceServer) + "/recoverableDatabases/" + resources.database();
            JsonNode backup = arm.get(recoverable, AzureApi.SQL);
            String last =
                    backup.path("properties").path("lastAvailableBackupDate").asText(null);
            if (last == null) {
                throw new PlatformException("Azure reports no geo-replicated backup of " + resources.database() + " on "
                        + sourceServer + " yet; geo-restore needs one (they are taken about hourly)");
            }
            reached = Instant.parse(last);
            if (!latest && at.time().isBefore(reached)) {
                throw new PlatformException(
                        "Azure SQL geo-restore restores only the latest geo-replicated backup (" + last
                                + "); it cannot restore to " + at.time()
                                + ", which is earlier: restore from the primary's backups"
                                + " (without --from-region) instead");
            }
            properties.put("createMode", "Recovery");
            properties.put("sourceDatabaseId", recoverable);
        }
        String targetServer = resources.region(targetRegion).sqlServer();
        ObjectNode body = F.objectNode();
        body.put("location", targetRegion);
        body.set("properties", properties);
        progress.accept("database: restoring " + resources.database() + " as " + name + " on " + targetServer + " ("
                + properties.path("createMode").asText() + ")");
        arm.put(resources.databasePath(targetServer, name), AzureApi.SQL, body, RESTORE_DEADLINE, progress);
        return new RestoreResult(
                name,
                request.fromRegion() != null ? request.fromRegion() : sourceRegion,
                targetServer + ".database.windows.net/" + name,
                reached,
                null,
                Duration.between(start, arm.clock().instant()));
    }

    /**
     * Puts a restored database into service: it joins the failover group when it lives on the
     * group's primary server (so it is geo-replicated and reached through the same read-write
     * listener), and both web apps' {@code HADR_DB_URL} app setting is rewritten to name it (and
     * the server directly when it lives elsewhere, e.g. a geo-restore into the other region).
     * Changing app settings restarts the apps, as App Service always does. The old database is
     * left untouched.
     */
    @Override
    public void adopt(String restore) {
        String server = null;
        for (Region region : topology.regions()) {
            String candidate = resources.region(region.id()).sqlServer();
            if (arm.find(resources.databasePath(candidate, restore), AzureApi.SQL)
                    .isPresent()) {
                server = candidate;
                break;
            }
        }
        if (server == null) {
            throw new PlatformException("no restored database '" + restore + "' on the servers "
                    + topology.regions().stream()
                            .map(r -> resources.region(r.id()).sqlServer())
                            .toList());
        }
        String hostLabel = server;
        if (resources.failoverGroup() != null) {
            String primary = currentPrimary();
            if (resources.region(primary).sqlServer().equalsIgnoreCase(server)) {
                joinFailoverGroup(primary, resources.databasePath(server, restore));
                hostLabel = resources.failoverGroup();
            }
        }
        for (Region region : topology.regions()) {
            pointAppAt(region.id(), hostLabel, restore);
        }
    }

    private void joinFailoverGroup(String primary, String databaseId) {
        String path = resources.failoverGroupPath(primary);
        ObjectNode group = (ObjectNode) arm.get(path, AzureApi.SQL);
        ObjectNode properties = (ObjectNode) group.path("properties");
        ArrayNode databases = properties.withArray("databases");
        for (JsonNode db : databases) {
            if (db.asText().equalsIgnoreCase(databaseId)) {
                return;
            }
        }
        databases.add(databaseId);
        ObjectNode body = F.objectNode();
        ObjectNode props = body.putObject("properties");
        props.set("readWriteEndpoint", properties.path("readWriteEndpoint"));
        if (properties.has("readOnlyEndpoint")) {
            props.set("readOnlyEndpoint", properties.path("readOnlyEndpoint"));
        }
        ArrayNode partners = props.putArray("partnerServers");
        properties
                .path("partnerServers")
                .forEach(p -> partners.addObject().put("id", p.path("id").asText()));
        props.set("databases", databases);
        progress.accept("database: adding " + databaseId.substring(databaseId.lastIndexOf('/') + 1)
                + " to failover group " + resources.failoverGroup());
        arm.put(path, AzureApi.SQL, body, RESTORE_DEADLINE, progress);
    }

    private void pointAppAt(String region, String hostLabel, String database) {
        String site = resources.sitePath(region);
        JsonNode current = arm.post(site + "/config/appsettings/list", AzureApi.WEB, null, APP_DEADLINE, progress);
        Map<String, String> settings = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields =
                current.path("properties").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            settings.put(field.getKey(), field.getValue().asText());
        }
        String url = settings.get(ArmTemplate.DB_URL);
        if (url == null) {
            throw new PlatformException(
                    "the app of " + region + " (" + resources.region(region).site() + ") has no " + ArmTemplate.DB_URL
                            + " app setting; redeploy with 'hadr azure up'");
        }
        settings.put(ArmTemplate.DB_URL, ConnectionString.rewrite(url, hostLabel, database));
        ObjectNode body = F.objectNode();
        ObjectNode properties = body.putObject("properties");
        settings.forEach(properties::put);
        progress.accept("app " + region + ": " + ArmTemplate.DB_URL + " now leads to " + hostLabel
                + ".database.windows.net/" + database + " (App Service restarts the app)");
        arm.put(site + "/config/appsettings", AzureApi.WEB, body, APP_DEADLINE, progress);
    }

    @Override
    public SqlResult sql(SqlTarget target, String statement) {
        throw NotSupportedException.of(
                KIND,
                Capability.SQL,
                "hadr carries no SQL Server driver; connect with sqlcmd or Azure Data"
                        + " Studio to the read-write listener " + readWriteHost() + " as the administrator");
    }

    private String readWriteHost() {
        String label = resources.failoverGroup() != null
                ? resources.failoverGroup()
                : resources.region(topology.primary().id()).sqlServer();
        return label + ".database.windows.net";
    }

    // ---- origins -------------------------------------------------------------------------------

    @Override
    public void origin(String region, OriginChange change) {
        topology.region(region);
        ObjectNode body = F.objectNode();
        ObjectNode properties = body.putObject("properties");
        if (change.enabled() != null) {
            properties.put("enabledState", change.enabled() ? "Enabled" : "Disabled");
        }
        if (change.priority() != null) {
            properties.put("priority", change.priority());
        }
        if (change.weight() != null) {
            properties.put("weight", change.weight());
        }
        JsonNode updated = arm.patch(resources.originPath(region), AzureApi.CDN, body, ORIGIN_DEADLINE, progress);
        JsonNode now = updated == null ? arm.get(resources.originPath(region), AzureApi.CDN) : updated;
        properties.fields().forEachRemaining(field -> {
            if (!now.path("properties")
                    .path(field.getKey())
                    .asText()
                    .equals(field.getValue().asText())) {
                throw new PlatformException(
                        "Azure accepted the update of origin " + region + " but reports " + field.getKey() + " "
                                + now.path("properties").path(field.getKey()).asText() + " instead of "
                                + field.getValue().asText());
            }
        });
    }

    // ---- status --------------------------------------------------------------------------------

    @Override
    public EnvironmentStatus status() {
        String primary = resources.failoverGroup() == null ? topology.primary().id() : currentPrimary();
        String secondary = resources.failoverGroup() == null ? null : other(primary);
        List<EnvironmentStatus.RegionStatus> regions = new ArrayList<>();
        List<EnvironmentStatus.ServerStatus> servers = new ArrayList<>();
        for (Region region : topology.regions()) {
            String id = region.id();
            JsonNode site = arm.get(resources.sitePath(id), AzureApi.WEB).path("properties");
            String state = site.path("state").asText("unknown").toLowerCase(Locale.ROOT);
            EnvironmentStatus.AppStatus app = new EnvironmentStatus.AppStatus(
                    resources.region(id).site(),
                    "https://" + site.path("defaultHostName").asText(),
                    state,
                    null,
                    null,
                    0,
                    null,
                    null);
            JsonNode origin = arm.get(resources.originPath(id), AzureApi.CDN).path("properties");
            boolean enabled =
                    "Enabled".equalsIgnoreCase(origin.path("enabledState").asText());
            // ARM exposes no probe results: "healthy" is inferred from the app's state.
            EnvironmentStatus.OriginStatus originStatus = new EnvironmentStatus.OriginStatus(
                    origin.path("priority").asInt(),
                    origin.path("weight").asInt(),
                    enabled,
                    enabled && "running".equals(state),
                    List.of(),
                    null,
                    0,
                    0);
            String role = id.equals(primary) ? "primary" : id.equals(secondary) ? "secondary" : "standby";
            regions.add(new EnvironmentStatus.RegionStatus(id, region.displayName(), role, List.of(app), originStatus));
            JsonNode server = arm.get(resources.serverPath(id), AzureApi.SQL).path("properties");
            servers.add(new EnvironmentStatus.ServerStatus(
                    resources.region(id).sqlServer(),
                    role,
                    server.path("state").asText("unknown").toLowerCase(Locale.ROOT),
                    1433,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    null,
                    null));
        }
        EnvironmentStatus.DatabaseStatus database;
        if (resources.failoverGroup() != null) {
            JsonNode group =
                    arm.get(resources.failoverGroupPath(primary), AzureApi.SQL).path("properties");
            database = new EnvironmentStatus.DatabaseStatus(
                    primary,
                    secondary,
                    group.path("replicationState").asText("unknown"),
                    resources.failoverGroup() + ".database.windows.net:1433",
                    resources.region(primary).sqlServer(),
                    resources.failoverGroup() + ".secondary.database.windows.net:1433",
                    resources.region(secondary).sqlServer(),
                    "async",
                    false,
                    null,
                    null,
                    group.path("readWriteEndpoint")
                            .path("failoverPolicy")
                            .asText("Manual")
                            .toLowerCase(Locale.ROOT),
                    null,
                    servers,
                    lastFailover);
        } else {
            String server = resources.region(primary).sqlServer();
            database = new EnvironmentStatus.DatabaseStatus(
                    primary,
                    null,
                    "no failover group (cold standby)",
                    server + ".database.windows.net:1433",
                    server,
                    null,
                    null,
                    "none",
                    false,
                    null,
                    null,
                    topology.database().failoverPolicy() == FailoverPolicy.AUTOMATIC ? "automatic" : "manual",
                    null,
                    servers,
                    lastFailover);
        }
        return new EnvironmentStatus(
                KIND,
                topology.name(),
                topology.strategy().id(),
                topology.source(),
                endpoint().toString(),
                resources.frontDoorId(),
                resources.deployedAt(),
                null,
                regions,
                database,
                topology.nonAzureSettings(),
                null,
                // What the template sets as JAVA_OPTS; App Service adds its own defaults.
                topology.app().jvmOptions());
    }

    /** Whether the strategy keeps the secondary's app stopped until a disaster. */
    static boolean secondaryStopped(Topology topology) {
        return topology.strategy() == Strategy.WARM_STANDBY || topology.strategy() == Strategy.COLD_STANDBY;
    }

    AzureTarget target() {
        return target;
    }

    Optional<FailoverResult> lastFailover() {
        return Optional.ofNullable(lastFailover);
    }
}
