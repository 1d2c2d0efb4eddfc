package io.hadr.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hadr.azure.internal.Durations;
import io.hadr.core.topology.FailoverPolicy;
import io.hadr.core.topology.FrontDoorSpec;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.ReplicationMode;
import io.hadr.core.topology.Strategy;
import io.hadr.core.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ARM template of a whole hadr system, derived from a topology: per region a Linux App
 * Service plan, a Java SE web app locked to this Front Door and an Azure SQL server; the
 * database with its backup retention, the failover group (except for cold standby, which keeps
 * only geo-redundant backups), and a Front Door Standard profile with endpoint, origin group,
 * one origin per region and a route.
 *
 * <p>Globally unique names derive from the topology name plus {@code uniqueString(resourceGroup().id)}.
 * The output is deterministic: the same topology gives byte-identical files (no time, no
 * version, no map iteration order, {@code \n} line ends). Every topology setting is accounted
 * for in {@link TemplateFiles#mapping()}.
 */
public final class ArmTemplate {

    /** The app settings hadr's app reads (see app/src/main/resources/application.properties). */
    public static final String DB_URL = "HADR_DB_URL";

    public static final String DB_USER = "HADR_DB_USER";
    public static final String DB_PASSWORD = "HADR_DB_PASSWORD";
    /** The app setting the app sizes its database pool from. */
    public static final String DB_POOL_SIZE = "HADR_DB_POOL_SIZE";

    public static final String FRONT_DOOR_ID = "HADR_FRONT_DOOR_ID";

    /** The deployment outputs' object that {@link AzureResources} reads. */
    public static final String OUTPUT = "hadr";

    static final String DEFAULT_LOGIN = "hadradmin";
    static final String DEFAULT_PLAN_SKU = "P1v3";
    static final String DEFAULT_JAVA = "JAVA|17-java17";
    static final String FRONT_DOOR_SERVICE_TAG = "AzureFrontDoor.Backend";

    private static final int MIN_ORIGIN_TIMEOUT_S = 16;
    private static final int MIN_GRACE_MINUTES = 60;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private final Topology topology;
    private final List<TopologyMapping> mapping = new ArrayList<>();

    private ArmTemplate(Topology topology) {
        this.topology = topology;
    }

    /** Generates the template, the parameters file and the mapping of every topology setting. */
    public static TemplateFiles generate(Topology topology) {
        return new ArmTemplate(topology).build();
    }

    /** The deployment name hadr uses for a topology: {@code hadr-<name>}. */
    public static String deploymentName(Topology topology) {
        return "hadr-" + topology.name();
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("generated JSON does not parse: " + e.getMessage(), e);
        }
    }

    static String write(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private TemplateFiles build() {
        ObjectNode template = F.objectNode();
        template.put("$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
        template.put("contentVersion", "1.0.0.0");
        ObjectNode metadata = template.putObject("metadata");
        metadata.put("generator", "hadr azure template");
        metadata.put("topology", topology.name());
        metadata.put("strategy", topology.strategy().id());
        template.set("parameters", parameters());
        template.set("variables", variables());
        ArrayNode resources = template.putArray("resources");
        for (Region region : topology.regions()) {
            resources.add(plan(region));
        }
        for (Region region : topology.regions()) {
            resources.add(sqlServer(region));
            resources.add(firewallRule(region));
        }
        resources.add(database());
        resources.add(retention());
        if (hasFailoverGroup()) {
            resources.add(failoverGroup());
        }
        resources.add(profile());
        resources.add(endpoint());
        resources.add(originGroup());
        for (Region region : topology.regions()) {
            resources.add(site(region));
        }
        for (Region region : topology.regions()) {
            resources.add(origin(region));
        }
        resources.add(route());
        template.set("outputs", outputs());
        mapRest();
        return new TemplateFiles(write(template), write(parametersFile()), mapping);
    }

    // ---- parameters and names --------------------------------------------------------------

    private ObjectNode parameters() {
        ObjectNode p = F.objectNode();
        p.set(
                "sqlAdministratorLogin",
                parameter(
                        "string",
                        F.textNode(DEFAULT_LOGIN),
                        "SQL administrator login of both servers; the apps connect with it."));
        ObjectNode password = parameter(
                "securestring",
                null,
                "SQL administrator password of both servers; the apps receive it as HADR_DB_PASSWORD.");
        p.set("sqlAdministratorPassword", password);
        p.set(
                "appServicePlanSku",
                parameter(
                        "string",
                        F.textNode(DEFAULT_PLAN_SKU),
                        "App Service plan SKU of both regions (Basic or higher: health check, Always On and scale-out need it)."));
        ObjectNode java = parameter("string", F.textNode(DEFAULT_JAVA), "Java SE runtime of the web apps.");
        java.putArray("allowedValues").add("JAVA|17-java17").add("JAVA|21-java21");
        p.set("linuxFxVersion", java);
        ObjectNode sku = F.objectNode().put("name", "S0").put("tier", "Standard");
        p.set(
                "databaseSku",
                parameter(
                        "object",
                        sku,
                        "SKU of the database (the geo-secondary takes the same); Basic keeps backups only 7 days."));
        return p;
    }

    private static ObjectNode parameter(String type, JsonNode defaultValue, String description) {
        ObjectNode p = F.objectNode().put("type", type);
        if (defaultValue != null) {
            p.set("defaultValue", defaultValue);
        }
        p.putObject("metadata").put("description", description);
        return p;
    }

    private ObjectNode parametersFile() {
        ObjectNode file = F.objectNode();
        file.put("$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#");
        file.put("contentVersion", "1.0.0.0");
        ObjectNode values = file.putObject("parameters");
        values.putObject("sqlAdministratorLogin").put("value", DEFAULT_LOGIN);
        values.putObject("appServicePlanSku").put("value", DEFAULT_PLAN_SKU);
        values.putObject("linuxFxVersion").put("value", DEFAULT_JAVA);
        values.putObject("databaseSku").putObject("value").put("name", "S0").put("tier", "Standard");
        // sqlAdministratorPassword is deliberately absent: pass it at deployment time, never in a file.
        return file;
    }

    private ObjectNode variables() {
        ObjectNode v = F.objectNode();
        v.put("suffix", "[uniqueString(resourceGroup().id)]");
        for (Region region : topology.regions()) {
            String key = region.id();
            v.put("plan_" + key, trim(topology.name() + "-" + key + "-plan", 60));
            v.put("site_" + key, unique(topology.name() + "-" + key, 60));
            v.put("sqlServer_" + key, unique(topology.name() + "-" + key, 63));
        }
        v.put("failoverGroup", unique(topology.name() + "-fog", 63));
        v.put("database", topology.database().name());
        v.put("profile", trim(topology.name() + "-fd", 60));
        v.put("endpoint", unique(topology.name(), 50));
        v.put("originGroup", "app");
        v.put("route", "default");
        mapping.add(TopologyMapping.to(
                "name",
                "variables (names of every resource)",
                "globally unique names add uniqueString(resourceGroup().id)"));
        return v;
    }

    /** {@code <prefix>-<uniqueString>} within {@code max} characters (uniqueString has 13). */
    private static String unique(String prefix, int max) {
        return "[format('{0}-{1}', '" + trim(prefix, max - 14) + "', variables('suffix'))]";
    }

    private static String trim(String name, int max) {
        String cut = name.length() <= max ? name : name.substring(0, max);
        return cut.replaceAll("-+$", "");
    }

    private static String var(String name) {
        return "[variables('" + name + "')]";
    }

    private static String param(String name) {
        return "[parameters('" + name + "')]";
    }

    private static String resourceId(String type, String... nameExpressions) {
        return "resourceId('" + type + "', " + String.join(", ", nameExpressions) + ")";
    }

    private static String v(String name) {
        return "variables('" + name + "')";
    }

    private static String ref(String type, String apiVersion, String property, String... nameExpressions) {
        return "[reference(" + resourceId(type, nameExpressions) + ", '" + apiVersion + "')." + property + "]";
    }

    private static String id(String type, String... nameExpressions) {
        return "[" + resourceId(type, nameExpressions) + "]";
    }

    private static String childName(String... variableNames) {
        StringBuilder format = new StringBuilder();
        for (int i = 0; i < variableNames.length; i++) {
            format.append(i == 0 ? "" : "/").append('{').append(i).append('}');
        }
        List<String> args = new ArrayList<>();
        for (String name : variableNames) {
            args.add(name.startsWith("'") ? name : v(name));
        }
        return "[format('" + format + "', " + String.join(", ", args) + ")]";
    }

    private static ObjectNode resource(String type, String name) {
        ObjectNode r = F.objectNode();
        r.put("type", type);
        r.put("apiVersion", AzureApi.forType(type));
        r.put("name", name);
        return r;
    }

    private static void dependsOn(ObjectNode resource, String... ids) {
        ArrayNode array = resource.putArray("dependsOn");
        for (String id : ids) {
            array.add(id);
        }
    }

    // ---- App Service -------------------------------------------------------------------------

    private ObjectNode plan(Region region) {
        ObjectNode r = resource("Microsoft.Web/serverfarms", var("plan_" + region.id()));
        r.put("location", region.id());
        r.put("kind", "linux");
        // App Service has no zero-instance plan: a region with no instances keeps one, its app stopped by 'hadr azure
        // up'.
        r.putObject("sku").put("name", param("appServicePlanSku")).put("capacity", Math.max(1, region.appInstances()));
        r.putObject("properties").put("reserved", true);
        return r;
    }

    private ObjectNode site(Region region) {
        ObjectNode r = resource("Microsoft.Web/sites", var("site_" + region.id()));
        r.put("location", region.id());
        r.put("kind", "app,linux");
        List<String> deps = new ArrayList<>();
        deps.add(id("Microsoft.Web/serverfarms", v("plan_" + region.id())));
        deps.add(id(
                "Microsoft.Sql/servers/databases",
                v("sqlServer_" + topology.primary().id()),
                v("database")));
        if (hasFailoverGroup()) {
            deps.add(id(
                    "Microsoft.Sql/servers/failoverGroups",
                    v("sqlServer_" + topology.primary().id()),
                    v("failoverGroup")));
        }
        if (topology.app().lockToFrontDoor()) {
            deps.add(id("Microsoft.Cdn/profiles", v("profile")));
        }
        dependsOn(r, deps.toArray(String[]::new));
        ObjectNode properties = r.putObject("properties");
        properties.put("serverFarmId", id("Microsoft.Web/serverfarms", v("plan_" + region.id())));
        properties.put("httpsOnly", true);
        properties.put("clientAffinityEnabled", false);
        ObjectNode config = properties.putObject("siteConfig");
        config.put("linuxFxVersion", param("linuxFxVersion"));
        config.put("alwaysOn", true);
        config.put("healthCheckPath", topology.app().healthCheckPath());
        config.put("http20Enabled", true);
        config.put("minTlsVersion", "1.2");
        config.put("ftpsState", "Disabled");
        ArrayNode settings = config.putArray("appSettings");
        appSettings()
                .forEach((name, value) -> settings.addObject().put("name", name).put("value", value));
        if (topology.app().lockToFrontDoor()) {
            ObjectNode rule = config.putArray("ipSecurityRestrictions").addObject();
            rule.put("name", "Allow this Front Door");
            rule.put("description", "Only requests through this Front Door profile (service tag and X-Azure-FDID)");
            rule.put("action", "Allow");
            rule.put("tag", "ServiceTag");
            rule.put("ipAddress", FRONT_DOOR_SERVICE_TAG);
            rule.put("priority", 100);
            rule.putObject("headers").putArray("x-azure-fdid").add(frontDoorIdReference());
            config.put("ipSecurityRestrictionsDefaultAction", "Deny");
            // The deployment endpoint (Kudu) keeps its own rules, so 'hadr azure up' can upload the jar.
            config.put("scmIpSecurityRestrictionsUseMain", false);
        } else {
            config.put("ipSecurityRestrictionsDefaultAction", "Allow");
        }
        return r;
    }

    /** App settings, sorted by name so that the output does not depend on map order. */
    private Map<String, String> appSettings() {
        Map<String, String> settings = new TreeMap<>(topology.app().environment());
        String host = hasFailoverGroup()
                ? v("failoverGroup")
                : v("sqlServer_" + topology.primary().id());
        settings.put(DB_URL, "[format('" + ConnectionString.TEMPLATE + "', " + host + ", " + v("database") + ")]");
        settings.put(DB_USER, param("sqlAdministratorLogin"));
        settings.put(DB_PASSWORD, param("sqlAdministratorPassword"));
        if (topology.app().lockToFrontDoor()) {
            settings.put(FRONT_DOOR_ID, frontDoorIdReference());
        }
        if (!topology.app().jvmOptions().isEmpty()) {
            settings.put("JAVA_OPTS", String.join(" ", topology.app().jvmOptions()));
        }
        settings.put(
                "WEBSITE_HEALTHCHECK_MAXPINGFAILURES",
                Integer.toString(topology.app().healthCheckMaxPingFailures()));
        settings.put(DB_POOL_SIZE, Integer.toString(topology.app().databasePoolSize()));
        return settings;
    }

    private static String frontDoorIdReference() {
        return ref("Microsoft.Cdn/profiles", AzureApi.CDN, "frontDoorId", v("profile"));
    }

    // ---- Azure SQL ---------------------------------------------------------------------------

    private boolean hasFailoverGroup() {
        return topology.strategy() != Strategy.COLD_STANDBY;
    }

    private ObjectNode sqlServer(Region region) {
        ObjectNode r = resource("Microsoft.Sql/servers", var("sqlServer_" + region.id()));
        r.put("location", region.id());
        ObjectNode properties = r.putObject("properties");
        properties.put("administratorLogin", param("sqlAdministratorLogin"));
        properties.put("administratorLoginPassword", param("sqlAdministratorPassword"));
        properties.put("version", "12.0");
        properties.put("minimalTlsVersion", "1.2");
        properties.put("publicNetworkAccess", "Enabled");
        return r;
    }

    /** Azure's rule for "allow Azure services": 0.0.0.0 to 0.0.0.0, so that App Service reaches the server. */
    private ObjectNode firewallRule(Region region) {
        ObjectNode r = resource(
                "Microsoft.Sql/servers/firewallRules",
                childName("sqlServer_" + region.id(), "'AllowAllWindowsAzureIps'"));
        dependsOn(r, id("Microsoft.Sql/servers", v("sqlServer_" + region.id())));
        r.putObject("properties").put("startIpAddress", "0.0.0.0").put("endIpAddress", "0.0.0.0");
        return r;
    }

    private ObjectNode database() {
        String server = "sqlServer_" + topology.primary().id();
        ObjectNode r = resource("Microsoft.Sql/servers/databases", childName(server, "database"));
        r.put("location", topology.primary().id());
        dependsOn(r, id("Microsoft.Sql/servers", v(server)));
        r.put("sku", param("databaseSku"));
        // Geo-redundant backup storage is what makes geo-restore (cold standby's recovery) possible.
        r.putObject("properties").put("requestedBackupStorageRedundancy", "Geo");
        mapping.add(TopologyMapping.to("database.name", "Microsoft.Sql/servers/databases name", ""));
        return r;
    }

    private ObjectNode retention() {
        String server = "sqlServer_" + topology.primary().id();
        ObjectNode r = resource(
                "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies",
                childName(server, "database", "'default'"));
        dependsOn(r, id("Microsoft.Sql/servers/databases", v(server), v("database")));
        Duration retention = topology.backups().retention();
        long days =
                Math.max(1, ceilDiv(retention.toSeconds(), Duration.ofDays(1).toSeconds()));
        r.putObject("properties").put("retentionDays", days);
        TopologyMapping m = TopologyMapping.to(
                "backups.retention",
                "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies retentionDays",
                "point-in-time restore window");
        if (!retention.equals(Duration.ofDays(days))) {
            m = m.adjusted(Durations.words(retention) + " -> " + days + " days (Azure keeps whole days, at least 1)");
        }
        mapping.add(m);
        return r;
    }

    private ObjectNode failoverGroup() {
        String primary = "sqlServer_" + topology.primary().id();
        String secondary = "sqlServer_" + topology.secondary().id();
        ObjectNode r = resource("Microsoft.Sql/servers/failoverGroups", childName(primary, "failoverGroup"));
        dependsOn(
                r,
                id("Microsoft.Sql/servers/databases", v(primary), v("database")),
                id("Microsoft.Sql/servers", v(secondary)));
        ObjectNode properties = r.putObject("properties");
        ObjectNode readWrite = properties.putObject("readWriteEndpoint");
        TopologyMapping policy = TopologyMapping.to(
                "database.failoverPolicy", "Microsoft.Sql/servers/failoverGroups readWriteEndpoint.failoverPolicy", "");
        TopologyMapping grace;
        if (topology.database().failoverPolicy() == FailoverPolicy.AUTOMATIC) {
            readWrite.put("failoverPolicy", "Automatic");
            Duration period = topology.database().gracePeriod();
            long minutes = Math.max(MIN_GRACE_MINUTES, ceilDiv(period.toSeconds(), 60));
            readWrite.put("failoverWithDataLossGracePeriodMinutes", minutes);
            grace = TopologyMapping.to(
                    "database.gracePeriod",
                    "Microsoft.Sql/servers/failoverGroups readWriteEndpoint.failoverWithDataLossGracePeriodMinutes",
                    "");
            if (!period.equals(Duration.ofMinutes(minutes))) {
                grace = grace.adjusted(Durations.words(period) + " -> " + minutes
                        + " min (Azure's minimum is 60 min, in whole minutes)");
            }
        } else {
            readWrite.put("failoverPolicy", "Manual");
            grace = TopologyMapping.localOnly(
                    "database.gracePeriod",
                    "used only with failoverPolicy automatic; Azure refuses a grace period with the Manual policy");
        }
        mapping.add(policy);
        mapping.add(grace);
        // Read-only traffic goes to the secondary only, like the local read-only listener.
        properties
                .putObject("readOnlyEndpoint")
                .put("failoverPolicy", "Disabled")
                .put("targetServer", id("Microsoft.Sql/servers", v(secondary)));
        properties.putArray("partnerServers").addObject().put("id", id("Microsoft.Sql/servers", v(secondary)));
        properties.putArray("databases").add(id("Microsoft.Sql/servers/databases", v(primary), v("database")));
        return r;
    }

    // ---- Front Door --------------------------------------------------------------------------

    private ObjectNode profile() {
        ObjectNode r = resource("Microsoft.Cdn/profiles", var("profile"));
        r.put("location", "global");
        r.putObject("sku").put("name", "Standard_AzureFrontDoor");
        Duration timeout = topology.frontDoor().originResponseTimeout();
        long seconds = Math.max(MIN_ORIGIN_TIMEOUT_S, ceilDiv(timeout.toMillis(), 1000));
        r.putObject("properties").put("originResponseTimeoutSeconds", seconds);
        TopologyMapping m = TopologyMapping.to(
                "frontDoor.originResponseTimeout", "Microsoft.Cdn/profiles originResponseTimeoutSeconds", "");
        if (!timeout.equals(Duration.ofSeconds(seconds))) {
            m = m.adjusted(Durations.words(timeout) + " -> " + seconds + " s (Azure allows 16 to 240 whole seconds)");
        }
        mapping.add(m);
        return r;
    }

    private ObjectNode endpoint() {
        ObjectNode r = resource("Microsoft.Cdn/profiles/afdEndpoints", childName("profile", "endpoint"));
        r.put("location", "global");
        dependsOn(r, id("Microsoft.Cdn/profiles", v("profile")));
        r.putObject("properties").put("enabledState", "Enabled");
        return r;
    }

    private ObjectNode originGroup() {
        FrontDoorSpec fd = topology.frontDoor();
        ObjectNode r = resource("Microsoft.Cdn/profiles/originGroups", childName("profile", "originGroup"));
        dependsOn(r, id("Microsoft.Cdn/profiles", v("profile")));
        ObjectNode properties = r.putObject("properties");
        ObjectNode lb = properties.putObject("loadBalancingSettings");
        lb.put("sampleSize", fd.loadBalancing().sampleSize());
        lb.put("successfulSamplesRequired", fd.loadBalancing().successfulSamplesRequired());
        lb.put(
                "additionalLatencyInMilliseconds",
                fd.loadBalancing().additionalLatency().toMillis());
        String group = "Microsoft.Cdn/profiles/originGroups ";
        mapping.add(TopologyMapping.to(
                "frontDoor.loadBalancing.sampleSize", group + "loadBalancingSettings.sampleSize", ""));
        mapping.add(TopologyMapping.to(
                "frontDoor.loadBalancing.successfulSamplesRequired",
                group + "loadBalancingSettings.successfulSamplesRequired",
                ""));
        mapping.add(TopologyMapping.to(
                "frontDoor.loadBalancing.additionalLatency",
                group + "loadBalancingSettings.additionalLatencyInMilliseconds",
                ""));
        ObjectNode probe = properties.putObject("healthProbeSettings");
        probe.put("probePath", fd.probe().path());
        probe.put("probeRequestType", fd.probe().method().name());
        probe.put(
                "probeProtocol", fd.probe().protocol() == io.hadr.core.topology.ProbeProtocol.HTTPS ? "Https" : "Http");
        Duration interval = fd.probe().interval();
        long seconds = Math.min(255, Math.max(1, ceilDiv(interval.toMillis(), 1000)));
        probe.put("probeIntervalInSeconds", seconds);
        mapping.add(TopologyMapping.to("frontDoor.healthProbe.path", group + "healthProbeSettings.probePath", ""));
        mapping.add(
                TopologyMapping.to("frontDoor.healthProbe.method", group + "healthProbeSettings.probeRequestType", ""));
        mapping.add(
                TopologyMapping.to("frontDoor.healthProbe.protocol", group + "healthProbeSettings.probeProtocol", ""));
        TopologyMapping m = TopologyMapping.to(
                "frontDoor.healthProbe.interval", group + "healthProbeSettings.probeIntervalInSeconds", "");
        if (!interval.equals(Duration.ofSeconds(seconds))) {
            m = m.adjusted(
                    Durations.words(interval) + " -> " + seconds + " s (Azure probes every 1 to 255 whole seconds)");
        }
        mapping.add(m);
        properties.put("sessionAffinityState", fd.sessionAffinity() ? "Enabled" : "Disabled");
        mapping.add(TopologyMapping.to("frontDoor.sessionAffinity", group + "sessionAffinityState", ""));
        return r;
    }

    private ObjectNode origin(Region region) {
        FrontDoorSpec.Origin spec = topology.frontDoor().origin(region.id());
        ObjectNode r = resource(
                "Microsoft.Cdn/profiles/originGroups/origins",
                childName("profile", "originGroup", "'" + region.id() + "'"));
        dependsOn(
                r,
                id("Microsoft.Cdn/profiles/originGroups", v("profile"), v("originGroup")),
                id("Microsoft.Web/sites", v("site_" + region.id())));
        ObjectNode properties = r.putObject("properties");
        String host = ref("Microsoft.Web/sites", AzureApi.WEB, "defaultHostName", v("site_" + region.id()));
        properties.put("hostName", host);
        // App Service routes by Host header: it must be the app's own name.
        properties.put("originHostHeader", host);
        properties.put("httpPort", 80);
        properties.put("httpsPort", 443);
        properties.put("priority", spec.priority());
        properties.put("weight", spec.weight());
        properties.put("enabledState", spec.enabled() ? "Enabled" : "Disabled");
        properties.put("enforceCertificateNameCheck", true);
        return r;
    }

    private ObjectNode route() {
        ObjectNode r =
                resource("Microsoft.Cdn/profiles/afdEndpoints/routes", childName("profile", "endpoint", "route"));
        List<String> deps = new ArrayList<>();
        deps.add(id("Microsoft.Cdn/profiles/afdEndpoints", v("profile"), v("endpoint")));
        // Front Door refuses a route to an origin group without origins.
        for (Region region : topology.regions()) {
            deps.add(id(
                    "Microsoft.Cdn/profiles/originGroups/origins",
                    v("profile"),
                    v("originGroup"),
                    "'" + region.id() + "'"));
        }
        dependsOn(r, deps.toArray(String[]::new));
        ObjectNode properties = r.putObject("properties");
        properties
                .putObject("originGroup")
                .put("id", id("Microsoft.Cdn/profiles/originGroups", v("profile"), v("originGroup")));
        properties.putArray("supportedProtocols").add("Http").add("Https");
        properties.putArray("patternsToMatch").add("/*");
        properties.put("forwardingProtocol", "HttpsOnly");
        properties.put("linkToDefaultDomain", "Enabled");
        properties.put("httpsRedirect", "Enabled");
        properties.put("enabledState", "Enabled");
        return r;
    }

    // ---- outputs and the rest of the mapping ----------------------------------------------------

    private ObjectNode outputs() {
        ObjectNode outputs = F.objectNode();
        String endpointHost =
                ref("Microsoft.Cdn/profiles/afdEndpoints", AzureApi.CDN, "hostName", v("profile"), v("endpoint"));
        outputs.set("endpointHostName", F.objectNode().put("type", "string").put("value", endpointHost));
        outputs.set("frontDoorId", F.objectNode().put("type", "string").put("value", frontDoorIdReference()));
        String readWrite = hasFailoverGroup()
                ? "[format('{0}.database.windows.net', " + v("failoverGroup") + ")]"
                : "[format('{0}.database.windows.net', "
                        + v("sqlServer_" + topology.primary().id()) + ")]";
        outputs.set("readWriteListener", F.objectNode().put("type", "string").put("value", readWrite));
        String readOnly =
                hasFailoverGroup() ? "[format('{0}.secondary.database.windows.net', " + v("failoverGroup") + ")]" : "";
        outputs.set("readOnlyListener", F.objectNode().put("type", "string").put("value", readOnly));
        ObjectNode hadr = F.objectNode();
        hadr.put("strategy", topology.strategy().id());
        ObjectNode regions = hadr.putObject("regions");
        for (Region region : topology.regions()) {
            regions.putObject(region.id())
                    .put("plan", var("plan_" + region.id()))
                    .put("site", var("site_" + region.id()))
                    .put("sqlServer", var("sqlServer_" + region.id()))
                    .put("origin", region.id());
        }
        hadr.put("database", var("database"));
        hadr.put("failoverGroup", hasFailoverGroup() ? var("failoverGroup") : "");
        hadr.put("profile", var("profile"));
        hadr.put("endpoint", var("endpoint"));
        hadr.put("originGroup", var("originGroup"));
        hadr.put("endpointHostName", endpointHost);
        hadr.put("frontDoorId", frontDoorIdReference());
        outputs.set(OUTPUT, F.objectNode().put("type", "object").set("value", hadr));
        return outputs;
    }

    private void mapRest() {
        Strategy strategy = topology.strategy();
        String strategyNote = switch (strategy) {
            case ACTIVE_ACTIVE -> "both apps run and both origins share priority";
            case ACTIVE_PASSIVE -> "both apps run; the secondary's origin has a lower priority";
            case WARM_STANDBY ->
                "the secondary app is deployed and stopped by 'hadr azure up'; the failover group keeps a replica";
            case COLD_STANDBY ->
                "no failover group: geo-redundant backups only; the secondary app is deployed and stopped by 'hadr azure up'";
        };
        mapping.add(
                0,
                TopologyMapping.to(
                        "strategy", "Microsoft.Sql/servers/failoverGroups and the apps' state", strategyNote));
        for (Region region : topology.regions()) {
            String at = "regions[" + region.id() + "]";
            mapping.add(TopologyMapping.to(at + ".id", "location of its plan, app and SQL server", ""));
            mapping.add(TopologyMapping.to(
                    at + ".displayName",
                    "REGION_NAME",
                    "App Service sets REGION_NAME from the location; the template does not send it"));
            mapping.add(TopologyMapping.to(
                    at + ".role",
                    region.isPrimary()
                            ? "the failover group's primary server (Microsoft.Sql/servers/failoverGroups is created on it)"
                            : "the failover group's partner server",
                    ""));
            TopologyMapping instances =
                    TopologyMapping.to(at + ".appInstances", "Microsoft.Web/serverfarms sku.capacity", "");
            if (region.appInstances() == 0) {
                instances = instances.adjusted(
                        "0 -> 1 instance (App Service plans have at least one); 'hadr azure up' stops the app");
            }
            mapping.add(instances);
            FrontDoorSpec.Origin origin = topology.frontDoor().origin(region.id());
            String target = "Microsoft.Cdn/profiles/originGroups/origins " + origin.regionId();
            mapping.add(TopologyMapping.to("frontDoor.origins." + region.id() + ".priority", target + " priority", ""));
            mapping.add(TopologyMapping.to("frontDoor.origins." + region.id() + ".weight", target + " weight", ""));
            mapping.add(
                    TopologyMapping.to("frontDoor.origins." + region.id() + ".enabled", target + " enabledState", ""));
        }
        String site = "Microsoft.Web/sites ";
        mapping.add(TopologyMapping.to(
                "app.instancesPerRegion",
                "Microsoft.Web/serverfarms sku.capacity",
                "the default of each region's appInstances"));
        mapping.add(TopologyMapping.to("app.healthCheckPath", site + "siteConfig.healthCheckPath", ""));
        mapping.add(TopologyMapping.to(
                "app.healthCheckMaxPingFailures", site + "app setting WEBSITE_HEALTHCHECK_MAXPINGFAILURES", ""));
        mapping.add(TopologyMapping.to("app.env", site + "siteConfig.appSettings", ""));
        mapping.add(TopologyMapping.to(
                "app.databasePoolSize", site + "app setting " + DB_POOL_SIZE, "each instance's database pool"));
        mapping.add(
                topology.app().jvmOptions().isEmpty()
                        ? TopologyMapping.to("app.jvmOptions", site + "app setting JAVA_OPTS", "empty: not set")
                        : TopologyMapping.to(
                                "app.jvmOptions",
                                site + "app setting JAVA_OPTS",
                                "App Service passes JAVA_OPTS to a Java SE app's JVM"));
        mapping.add(TopologyMapping.to(
                "app.lockToFrontDoor",
                site + "siteConfig.ipSecurityRestrictions and app setting " + FRONT_DOOR_ID,
                topology.app().lockToFrontDoor()
                        ? "service tag " + FRONT_DOOR_SERVICE_TAG + " with header x-azure-fdid, default action Deny"
                        : "no access rule: default action Allow"));
        mapping.add(
                TopologyMapping.localOnly(
                        "frontDoor.frontDoorId",
                        "Azure assigns a profile's frontDoorId; the template passes the real one to the apps (HADR_FRONT_DOOR_ID and the x-azure-fdid rule)"));
        mapping.add(TopologyMapping.localOnly(
                "frontDoor.timings",
                "a preset for the local probe interval; the template takes frontDoor.healthProbe.interval itself"));
        mapping.add(
                topology.frontDoor().retryOnNextOrigin()
                        ? TopologyMapping.localOnly(
                                "frontDoor.retryOnNextOrigin",
                                "on: hadr's front door retries on the next origin; Azure Front Door does not")
                        : TopologyMapping.localOnly("frontDoor.retryOnNextOrigin", "off, as Azure Front Door behaves"));
        mapping.add(
                topology.database().replication() == ReplicationMode.SYNC
                        ? TopologyMapping.localOnly(
                                "database.replication", "sync: Azure SQL geo-replication is asynchronous only")
                        : TopologyMapping.to(
                                "database.replication",
                                "Microsoft.Sql/servers/failoverGroups",
                                strategy == Strategy.COLD_STANDBY
                                        ? "async; cold standby has no replica"
                                        : "async: Azure SQL geo-replication"));
        if (!hasFailoverGroup()) {
            mapping.add(TopologyMapping.localOnly("database.failoverPolicy", "cold standby has no failover group"));
            mapping.add(TopologyMapping.localOnly("database.gracePeriod", "cold standby has no failover group"));
        }
        mapping.add(
                TopologyMapping.localOnly(
                        "database.maxConnections",
                        "the local PostgreSQL servers' max_connections; an Azure SQL database's session limit comes from its service tier"));
        mapping.add(
                TopologyMapping.localOnly(
                        "backups.archiveTimeout",
                        "how often the local primary's WAL is archived; Azure SQL backs up its log every 5-10 minutes by itself"));
        mapping.add(
                TopologyMapping.localOnly(
                        "backups.baseBackupInterval",
                        "how often the local environment takes a base backup; Azure SQL takes full and differential backups on its own schedule"));
        mapping.add(TopologyMapping.localOnly("objectives.rto", "a drill's pass mark, not a resource"));
        mapping.add(TopologyMapping.localOnly("objectives.rpo", "a drill's pass mark, not a resource"));
        for (String key : List.of("endpointPort", "appBasePort", "databaseBasePort", "controlPort")) {
            mapping.add(TopologyMapping.localOnly("local." + key, "a port of the local environment"));
        }
        mapping.add(TopologyMapping.localOnly(
                "local.interRegionLatency",
                "the local link between the regions; on Azure the network between them is Azure's"));
    }

    private static long ceilDiv(long value, long divisor) {
        return -Math.floorDiv(-value, divisor);
    }
}
