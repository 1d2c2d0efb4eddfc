package io.hadr.core.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads and validates topology files. Validation is strict (an unknown key is an error, nothing
 * is clamped) and kind (every problem is reported at once, each with file, line, field, value and
 * what is allowed). Every setting has a default: an empty file is the built-in topology.
 */
public final class TopologyLoader {

    /** The file hadr looks for in the working directory when none is named. */
    public static final String DEFAULT_FILE_NAME = "hadr.yaml";

    static final String BUILT_IN_SOURCE = "built-in topology";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,39}");
    private static final Pattern REGION_ID = Pattern.compile("[a-z][a-z0-9]{1,39}");
    private static final Pattern DISPLAY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ()-]{0,59}");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DB_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** Display names of the Azure regions hadr knows; others need an explicit displayName. */
    private static final Map<String, String> KNOWN_REGIONS = Map.ofEntries(
            Map.entry("centralindia", "Central India"),
            Map.entry("southindia", "South India"),
            Map.entry("westindia", "West India"),
            Map.entry("eastus", "East US"),
            Map.entry("eastus2", "East US 2"),
            Map.entry("westus", "West US"),
            Map.entry("westus2", "West US 2"),
            Map.entry("centralus", "Central US"),
            Map.entry("northeurope", "North Europe"),
            Map.entry("westeurope", "West Europe"),
            Map.entry("uksouth", "UK South"),
            Map.entry("ukwest", "UK West"),
            Map.entry("southeastasia", "Southeast Asia"),
            Map.entry("eastasia", "East Asia"),
            Map.entry("japaneast", "Japan East"),
            Map.entry("japanwest", "Japan West"),
            Map.entry("australiaeast", "Australia East"),
            Map.entry("australiasoutheast", "Australia Southeast"));

    /** Settings App Service gives every app; a topology must not set them itself. */
    private static final Set<String> PLATFORM_SETTINGS =
            Set.of("REGION_NAME", "PORT", "WEBSITE_SITE_NAME", "WEBSITE_HOSTNAME", "WEBSITE_INSTANCE_ID");

    private static final Duration AZURE_MIN_GRACE = Duration.ofMinutes(60);
    private static final Duration AZURE_MIN_ORIGIN_TIMEOUT = Duration.ofSeconds(16);
    private static final Duration AZURE_MAX_ORIGIN_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration AZURE_PORTAL_PROBE_INTERVAL = Duration.ofSeconds(100);
    /** The largest one-way latency the local inter-region link accepts. */
    private static final Duration MAX_INTER_REGION_LATENCY = Duration.ofSeconds(10);

    private TopologyLoader() {}

    /** The topology used when there is no file: Central India primary, South India secondary, active-passive. */
    public static Topology builtIn() {
        return parse(BUILT_IN_SOURCE, "");
    }

    /**
     * The topology to use: the named file if given, else {@code hadr.yaml} in {@code workingDir}
     * if it exists, else the built-in one.
     */
    public static Topology resolve(Optional<Path> file, Path workingDir) {
        if (file.isPresent()) {
            return load(file.get());
        }
        Path local = workingDir.resolve(DEFAULT_FILE_NAME);
        return Files.isRegularFile(local) ? load(local) : builtIn();
    }

    /** Reads and validates a topology file. */
    public static Topology load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw TopologyException.single(
                    file.toString(), 0, "no such file; check the path, or leave out -f to use the built-in topology");
        } catch (IOException e) {
            throw TopologyException.single(file.toString(), 0, "cannot read the file: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    /** Validates topology text; {@code source} names it in messages. */
    public static Topology parse(String source, String text) {
        Fields.Problems problems = new Fields.Problems(source);
        Fields root = Fields.root(problems, YamlTreeReader.read(source, text));
        List<String> nonAzure = new ArrayList<>();

        String name = root.text(
                "name",
                "hadr",
                NAME,
                "a name is 2–40 characters of lowercase letters, digits and '-', starting with a letter (Azure resource names derive from it)");
        Strategy strategy = root.choice("strategy", Strategy.ACTIVE_PASSIVE, choices(Strategy.values(), Strategy::id));

        Fields app = root.section("app");
        int instancesPerRegion = app.integer("instancesPerRegion", 1, 1, 10, "allowed: 1 to 10 instances per region");
        List<Region> regions = regions(root, problems, instancesPerRegion);
        AppSpec appSpec = app(app, instancesPerRegion);
        FrontDoorSpec frontDoor = frontDoor(root.section("frontDoor"), name, strategy, regions, appSpec, nonAzure);
        DatabaseSpec database = database(root.section("database"), nonAzure, regions, appSpec);
        BackupSpec backups = backups(root.section("backups"), nonAzure);
        Objectives objectives = objectives(root.section("objectives"));
        LocalSpec local = local(root.section("local"), regions);
        root.finish();
        problems.throwIfAny();

        return new Topology(
                name, strategy, regions, appSpec, frontDoor, database, backups, objectives, local, source, nonAzure);
    }

    private static List<Region> regions(Fields root, Fields.Problems problems, int instancesPerRegion) {
        if (!root.has("regions")) {
            root.list("regions");
            return List.of(
                    new Region("centralindia", "Central India", RegionRole.PRIMARY, instancesPerRegion),
                    new Region("southindia", "South India", RegionRole.SECONDARY, instancesPerRegion));
        }
        List<Fields> items = root.list("regions");
        Map<String, Fields> byId = new HashMap<>();
        Fields primary = null;
        List<Region> regions = new ArrayList<>();
        for (Fields item : items) {
            Optional<String> id = item.text(
                    "id",
                    REGION_ID,
                    "a region id is an Azure region name such as centralindia or southindia (lowercase letters and digits)");
            if (!item.has("id")) {
                item.report("id", "missing; every region needs an id such as centralindia");
            }
            String displayName = item.text(
                            "displayName",
                            DISPLAY_NAME,
                            "a display name is up to 60 letters, digits, spaces, '(', ')' and '-', e.g. Central India")
                    .orElse(null);
            if (displayName == null && id.isPresent()) {
                displayName = KNOWN_REGIONS.get(id.get());
                if (displayName == null && !item.has("displayName")) {
                    item.report(
                            "displayName",
                            "missing; hadr does not know the display name of region '" + id.get()
                                    + "': write it as App Service's REGION_NAME shows it, e.g. displayName: Central India");
                }
            }
            RegionRole role = item.choice("role", null, choices(RegionRole.values(), RegionRole::id));
            if (!item.has("role")) {
                item.report("role", "missing; write role: primary or role: secondary");
            }
            int instances = item.integer(
                    "appInstances", instancesPerRegion, 0, 10, "allowed: 0 to 10 app instances in a region");
            item.finish();

            if (id.isPresent()) {
                Fields previous = byId.putIfAbsent(id.get(), item);
                if (previous != null) {
                    item.report(
                            "id",
                            "'" + id.get() + "' is already used by " + previous.path() + " (line "
                                    + previous.lineOf("id") + "); each region needs its own id");
                }
            }
            if (role == RegionRole.PRIMARY) {
                if (primary != null) {
                    item.report(
                            "role",
                            "a second primary; exactly one region is primary and " + primary.path() + " (line "
                                    + primary.lineOf("role") + ") already is: make this one secondary");
                } else {
                    primary = item;
                }
            }
            regions.add(new Region(id.orElse("?"), displayName, role, instances));
        }
        if (items.size() != 2) {
            root.report(
                    "regions",
                    "has " + items.size() + " region" + (items.size() == 1 ? "" : "s")
                            + "; hadr runs exactly two regions, one primary and one secondary, like an Azure SQL failover group");
        } else if (primary == null && regions.stream().allMatch(r -> r.role() != null)) {
            root.report("regions", "no region is primary; make exactly one region role: primary");
        }
        // The primary first, so that indexes (ports, output order) are stable whatever the file's order.
        regions.sort((a, b) -> Boolean.compare(b.role() == RegionRole.PRIMARY, a.role() == RegionRole.PRIMARY));
        return regions;
    }

    private static AppSpec app(Fields app, int instancesPerRegion) {
        String healthPath = app.text("healthCheckPath", "/health", PATH, "a path starts with '/', e.g. /health");
        int maxPingFailures = app.integer(
                "healthCheckMaxPingFailures",
                10,
                2,
                10,
                "App Service allows 2 to 10 (WEBSITE_HEALTHCHECK_MAXPINGFAILURES)");
        Map<String, String> env = app.stringMap(
                "env", ENV_NAME, "an app setting name is letters, digits and '_', not starting with a digit");
        for (String key : env.keySet()) {
            if (PLATFORM_SETTINGS.contains(key) || key.startsWith("WEBSITE_")) {
                app.report(
                        "env",
                        "'" + key
                                + "' is set by the platform (App Service sets REGION_NAME, PORT and WEBSITE_*); remove it");
            }
        }
        List<String> jvmOptions = app.stringList("jvmOptions");
        boolean lock = app.bool("lockToFrontDoor", true);
        int poolSize = app.integer(
                "databasePoolSize",
                10,
                1,
                100,
                "allowed: 1 to 100 database connections per app instance (the app's HADR_DB_POOL_SIZE)");
        app.finish();
        return new AppSpec(instancesPerRegion, healthPath, maxPingFailures, env, jvmOptions, lock, poolSize);
    }

    private static FrontDoorSpec frontDoor(
            Fields fd, String name, Strategy strategy, List<Region> regions, AppSpec app, List<String> nonAzure) {
        String defaultId = UUID.nameUUIDFromBytes(("hadr-front-door:" + name).getBytes(StandardCharsets.UTF_8))
                .toString();
        String id = fd.text(
                "frontDoorId",
                defaultId,
                UUID_TEXT,
                "Front Door's id is a GUID such as 3f2b1c9e-0d4a-4c6e-9a57-1e2d3c4b5a69");
        boolean azureTimings =
                fd.choice("timings", Boolean.FALSE, Map.of("local", Boolean.FALSE, "azure", Boolean.TRUE));

        Fields probe = fd.section("healthProbe");
        String probePath = probe.text("path", app.healthCheckPath(), PATH, "a path starts with '/', e.g. /health");
        ProbeMethod method =
                probe.choice("method", ProbeMethod.HEAD, Map.of("head", ProbeMethod.HEAD, "get", ProbeMethod.GET));
        ProbeProtocol protocol = probe.choice(
                "protocol", ProbeProtocol.HTTP, Map.of("http", ProbeProtocol.HTTP, "https", ProbeProtocol.HTTPS));
        Duration interval = probe.duration(
                "interval",
                azureTimings ? AZURE_PORTAL_PROBE_INTERVAL : Duration.ofSeconds(1),
                Duration.ofMillis(100),
                Duration.ofSeconds(255),
                "allowed: 100ms to 255s (Azure allows 1s to 255s in whole seconds)");
        probe.finish();
        if (interval.toMillis() % 1000 != 0) {
            nonAzure.add("frontDoor.healthProbe.interval " + Durations.format(interval)
                    + " is not a whole number of seconds; Azure's probeIntervalInSeconds is 1 to 255");
        }

        Fields lb = fd.section("loadBalancing");
        int sampleSize = lb.integer("sampleSize", 4, 1, 255, "allowed: 1 to 255 probe samples");
        int required = lb.integer("successfulSamplesRequired", 3, 1, 255, "allowed: 1 to 255 probe samples");
        if (required > sampleSize) {
            lb.report(
                    "successfulSamplesRequired",
                    required + " is more than sampleSize " + sampleSize
                            + "; no origin could ever be healthy: make it at most " + sampleSize);
        }
        Duration additionalLatency = lb.duration(
                "additionalLatency",
                Duration.ofMillis(50),
                Duration.ZERO,
                Duration.ofSeconds(1),
                "allowed: 0ms to 1000ms");
        lb.finish();

        Duration timeout = fd.duration(
                "originResponseTimeout",
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                AZURE_MAX_ORIGIN_TIMEOUT,
                "allowed: 1s to 240s (Azure allows 16s to 240s)");
        if (timeout.compareTo(AZURE_MIN_ORIGIN_TIMEOUT) < 0) {
            nonAzure.add("frontDoor.originResponseTimeout " + Durations.format(timeout)
                    + " is shorter than Azure's minimum of 16s");
        }
        boolean affinity = fd.bool("sessionAffinity", false);
        boolean retry = fd.bool("retryOnNextOrigin", true);
        if (retry) {
            nonAzure.add("frontDoor.retryOnNextOrigin is on: hadr retries a request on the next origin when it never"
                    + " reached an app; Azure Front Door does not (set it to false to see Azure's behaviour)");
        }

        Map<String, YamlNode.Entry> given = fd.freeMapping("origins");
        Map<String, FrontDoorSpec.Origin> origins = new LinkedHashMap<>();
        for (Region region : regions) {
            int defaultPriority = strategy == Strategy.ACTIVE_ACTIVE || region.isPrimary() ? 1 : 2;
            origins.put(region.id(), new FrontDoorSpec.Origin(region.id(), defaultPriority, 1000, true));
        }
        for (YamlNode.Entry entry : given.values()) {
            Fields origin = fd.entrySection("origins", entry);
            int priority =
                    origin.integer("priority", 1, 1, 5, "Azure Front Door allows priority 1 to 5 (1 is used first)");
            int weight = origin.integer("weight", 1000, 1, 1000, "Azure Front Door allows weight 1 to 1000");
            boolean enabled = origin.bool("enabled", true);
            origin.finish();
            FrontDoorSpec.Origin defaults = origins.get(entry.key());
            if (defaults == null) {
                fd.report(
                        entry.keyLine(),
                        "origins",
                        "'" + entry.key() + "' is not a region of this topology; origins are named by region id: "
                                + String.join(", ", origins.keySet()));
                continue;
            }
            origins.put(
                    entry.key(),
                    new FrontDoorSpec.Origin(
                            entry.key(),
                            origin.has("priority") ? priority : defaults.priority(),
                            origin.has("weight") ? weight : defaults.weight(),
                            enabled));
        }
        fd.finish();
        return new FrontDoorSpec(
                id,
                new FrontDoorSpec.Probe(probePath, method, protocol, interval),
                new FrontDoorSpec.LoadBalancing(sampleSize, required, additionalLatency),
                timeout,
                affinity,
                retry,
                List.copyOf(origins.values()),
                fd.has("frontDoorId"));
    }

    private static DatabaseSpec database(Fields db, List<String> nonAzure, List<Region> regions, AppSpec app) {
        String name = db.text(
                "name",
                "hadr",
                DB_NAME,
                "a database name is up to 63 lowercase letters, digits and '_', starting with a letter");
        ReplicationMode replication =
                db.choice("replication", ReplicationMode.ASYNC, choices(ReplicationMode.values(), ReplicationMode::id));
        FailoverPolicy policy = db.choice(
                "failoverPolicy", FailoverPolicy.MANUAL, choices(FailoverPolicy.values(), FailoverPolicy::id));
        Duration grace = db.duration(
                "gracePeriod",
                AZURE_MIN_GRACE,
                Duration.ofSeconds(1),
                Duration.ofDays(1),
                "allowed: 1s to 1d (Azure requires at least 60m)");
        int maxConnections =
                db.integer("maxConnections", 100, 20, 10_000, "allowed: 20 to 10000 sessions per database server");
        Map<String, Integer> instances = new LinkedHashMap<>();
        regions.forEach(r -> instances.put(r.id(), r.appInstances()));
        ConnectionBudget budget = new ConnectionBudget(instances, app.databasePoolSize(), maxConnections);
        if (!budget.fits()) {
            db.report(
                    "maxConnections",
                    maxConnections + " sessions cannot hold what this topology needs: "
                            + budget.arithmetic() + "; raise database.maxConnections to at least " + budget.required()
                            + ", or lower app.databasePoolSize or the app instances");
        }
        db.finish();
        if (replication == ReplicationMode.SYNC) {
            nonAzure.add("database.replication sync: Azure SQL geo-replication is asynchronous only");
        }
        if (policy == FailoverPolicy.AUTOMATIC && grace.compareTo(AZURE_MIN_GRACE) < 0) {
            nonAzure.add("database.gracePeriod " + Durations.format(grace) + " is shorter than Azure's minimum of 60m");
        }
        return new DatabaseSpec(name, replication, policy, grace, maxConnections);
    }

    private static BackupSpec backups(Fields backups, List<String> nonAzure) {
        // Azure SQL keeps point-in-time backups 1 to 35 days; locally a window of minutes lets a
        // rehearsal watch retention remove what it may.
        Duration retention = backups.duration(
                "retention",
                BackupSpec.DEFAULT_RETENTION,
                Duration.ofMinutes(1),
                Duration.ofDays(35),
                "allowed: 1m to 35d (Azure SQL keeps point-in-time backups 1 to 35 days; "
                        + "shorter windows only locally)");
        Duration archiveTimeout = backups.duration(
                "archiveTimeout",
                BackupSpec.DEFAULT_ARCHIVE_TIMEOUT,
                Duration.ofSeconds(1),
                Duration.ofHours(1),
                "allowed: 1s to 1h (the longest a commit waits to be archived)");
        Duration interval = backups.duration(
                "baseBackupInterval",
                BackupSpec.DEFAULT_BASE_BACKUP_INTERVAL,
                Duration.ofMinutes(1),
                Duration.ofDays(35),
                "allowed: 1m to 35d");
        boolean archiveTimeoutGiven = backups.has("archiveTimeout");
        boolean intervalGiven = backups.has("baseBackupInterval");
        backups.finish();
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            nonAzure.add(
                    "backups.retention " + Durations.format(retention) + " is shorter than Azure SQL's minimum of 1d");
        }
        if (archiveTimeoutGiven) {
            nonAzure.add("backups.archiveTimeout " + Durations.format(archiveTimeout)
                    + ": Azure SQL takes log backups on its own schedule (about every 10 minutes)");
        }
        if (intervalGiven) {
            nonAzure.add("backups.baseBackupInterval " + Durations.format(interval)
                    + ": Azure SQL takes full backups weekly and differentials every 12-24 hours on its own");
        }
        return new BackupSpec(retention, archiveTimeout, interval);
    }

    private static Objectives objectives(Fields objectives) {
        Duration rto = objectives.duration(
                "rto", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofDays(7), "allowed: 1s to 7d");
        Duration rpo = objectives.duration(
                "rpo", Duration.ofSeconds(5), Duration.ZERO, Duration.ofDays(7), "allowed: 0s to 7d");
        objectives.finish();
        return new Objectives(rto, rpo);
    }

    private static LocalSpec local(Fields local, List<Region> regions) {
        String allowed = "allowed: 1024 to 65535, or 0 for any free port";
        int endpoint = port(local, "endpointPort", 8080, allowed);
        int appBase = port(local, "appBasePort", 8101, allowed);
        int dbBase = port(local, "databaseBasePort", 5441, allowed);
        int control = port(local, "controlPort", 0, allowed);
        Duration latency = local.duration(
                "interRegionLatency",
                LocalSpec.DEFAULT_INTER_REGION_LATENCY,
                Duration.ZERO,
                MAX_INTER_REGION_LATENCY,
                "allowed: 0ms to 10s (one way; Central India to South India is about 10ms)");
        local.finish();

        int appCount = regions.stream().mapToInt(Region::appInstances).sum();
        record Range(String key, int first, int count) {
            boolean overlaps(Range other) {
                return first != 0
                        && other.first != 0
                        && first < other.first + other.count
                        && other.first < first + count;
            }
        }
        List<Range> ranges = List.of(
                new Range("endpointPort", endpoint, 1),
                new Range("appBasePort", appBase, Math.max(1, appCount)),
                new Range("databaseBasePort", dbBase, LocalSpec.DATABASE_PORTS),
                new Range("controlPort", control, 1));
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                Range a = ranges.get(i);
                Range b = ranges.get(j);
                if (a.overlaps(b)) {
                    local.report(
                            b.key(),
                            b.first() + " collides with " + a.key() + " " + a.first() + " (which uses "
                                    + a.first() + (a.count() > 1 ? "–" + (a.first() + a.count() - 1) : "")
                                    + "); pick ports that do not overlap");
                }
            }
        }
        if (appBase + appCount - 1 > 65535 || dbBase + LocalSpec.DATABASE_PORTS - 1 > 65535) {
            local.report("appBasePort", "the ports run past 65535; pick a lower base port");
        }
        return new LocalSpec(endpoint, appBase, dbBase, control, latency);
    }

    private static int port(Fields local, String key, int defaultValue, String allowed) {
        int port = local.integer(key, defaultValue, 0, 65535, allowed);
        if (port != 0 && port < 1024) {
            local.report(key, port + " is a privileged port; " + allowed);
            return defaultValue;
        }
        return port;
    }

    private static <E> Map<String, E> choices(E[] values, java.util.function.Function<E, String> id) {
        Map<String, E> map = new LinkedHashMap<>();
        for (E value : values) {
            map.put(id.apply(value), value);
        }
        return map;
    }
}
