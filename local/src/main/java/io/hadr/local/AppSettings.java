package io.hadr.local;

import io.hadr.core.topology.Region;
import io.hadr.core.topology.Topology;
import io.hadr.toolkit.Hashes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each app instance is started with: the command line, and the environment App Service gives
 * an instance ({@code REGION_NAME}, {@code WEBSITE_*}, {@code PORT}) plus the topology's own app
 * settings, the front door lockdown and the database connection.
 *
 * @param appJar the jar every instance runs
 * @param frontDoorId the id apps are locked to, or empty when {@code app.lockToFrontDoor} is off
 * @param databaseUrls per region id, the failover group's read-write listener as that region's
 *     apps reach it: the same listener everywhere, entered in the app's own region, so that an app
 *     whose region does not hold the primary crosses the inter-region link as it would on Azure
 * @param apps the account apps run as, and the working directory it can reach
 */
record AppSettings(
        Topology topology,
        Path appJar,
        String frontDoorId,
        Map<String, String> databaseUrls,
        String databaseUser,
        String databasePassword,
        AppAccount apps,
        Path logs) {

    AppSettings {
        databaseUrls = Map.copyOf(databaseUrls);
    }

    /**
     * JVM options that start a small Spring Boot app fastest on a 2-core machine (C1 only: ready
     * in ≈ 4 s instead of ≈ 6 s, for ≈ 20 % less steady throughput; bench/app/README.md). Start-up
     * is part of every app restart drill's RTO; the topology's {@code app.jvmOptions} come after
     * these, so a later option overrides (e.g. {@code -XX:TieredStopAtLevel=4} for the full JIT).
     */
    static final List<String> QUICK_START_JVM_OPTIONS =
            List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    /** What every app instance's JVM starts with: the quick-start options, then the topology's. */
    static List<String> jvmOptions(Topology topology) {
        List<String> options = new ArrayList<>(QUICK_START_JVM_OPTIONS);
        options.addAll(topology.app().jvmOptions());
        return List.copyOf(options);
    }

    /** Variables of hadr's own environment that a JVM needs; everything else stays out, as on App Service. */
    private static final List<String> INHERITED = List.of("PATH", "LANG", "TZ");

    /** How instance {@code index} of {@code region}, listening on {@code port}, is started. */
    AppInstance.Launch launch(Region region, int index, int port) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions(topology));
        command.addAll(List.of("-jar", appJar.toString()));
        String id = instanceName(region, index);
        return new AppInstance.Launch(
                command,
                environment(region, index, port),
                logs.resolve("app-" + id + ".log"),
                topology.app().healthCheckPath(),
                frontDoorId,
                apps.runAs(),
                apps.workingDirectory());
    }

    static String instanceName(Region region, int index) {
        return region.id() + "-" + index;
    }

    private Map<String, String> environment(Region region, int index, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String keep : INHERITED) {
            String value = System.getenv(keep);
            if (value != null) {
                env.put(keep, value);
            }
        }
        // The caller's HOME and TMPDIR may be private to it (e.g. /root) when apps run as another account.
        if (!apps.runAs().switchesUser()) {
            for (String keep : List.of("HOME", "TMPDIR")) {
                String value = System.getenv(keep);
                if (value != null) {
                    env.put(keep, value);
                }
            }
        }
        String site = topology.name() + "-" + region.id();
        env.put("REGION_NAME", region.displayName());
        env.put("WEBSITE_SITE_NAME", site);
        env.put("WEBSITE_HOSTNAME", "127.0.0.1:" + port);
        env.put("WEBSITE_INSTANCE_ID", instanceId(site, index));
        env.put(
                "WEBSITE_HEALTHCHECK_MAXPINGFAILURES",
                Integer.toString(topology.app().healthCheckMaxPingFailures()));
        env.put("PORT", Integer.toString(port));
        env.putAll(topology.app().environment());
        // Only the front door (and hadr's own checks) reach an app, as only Azure's network reaches an
        // App Service instance; Spring Boot binds to SERVER_ADDRESS. Not overridable: every part of
        // the local environment lives on loopback.
        env.put("SERVER_ADDRESS", "127.0.0.1");
        if (!frontDoorId.isEmpty()) {
            env.put("HADR_FRONT_DOOR_ID", frontDoorId);
        }
        env.put("HADR_DB_URL", databaseUrls.get(region.id()));
        env.put("HADR_DB_USER", databaseUser);
        env.put("HADR_DB_PASSWORD", databasePassword);
        // Sized so that every instance of both regions fits the server's connections (the topology checked it).
        env.put(Databases.POOL_SIZE_VARIABLE, Integer.toString(Databases.poolSize(topology)));
        return env;
    }

    /** Like App Service's: 64 hex characters, stable for a site and instance number. */
    static String instanceId(String site, int index) {
        return Hashes.sha256Hex(site + "#" + index);
    }
}
