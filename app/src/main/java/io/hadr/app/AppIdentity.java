package io.hadr.app;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Who this instance is, read once from the variables App Service sets: {@code REGION_NAME},
 * {@code WEBSITE_SITE_NAME}, {@code WEBSITE_HOSTNAME}, {@code WEBSITE_INSTANCE_ID}.
 *
 * @param region the region's display name, e.g. {@code Central India}
 * @param siteName the App Service app's name
 * @param siteHostname the app's default host name, e.g. {@code hadr-ci.azurewebsites.net}
 * @param hostname the machine (container) this instance runs on
 * @param instance the instance id, unique per instance
 * @param version the app's version
 * @param startedAt when this instance started
 */
public record AppIdentity(
        String region,
        String siteName,
        String siteHostname,
        String hostname,
        String instance,
        String version,
        Instant startedAt) {

    static final String UNKNOWN = "unknown";

    static AppIdentity fromEnvironment(Map<String, String> env, String version, Instant startedAt) {
        String hostname = hostname(env);
        return new AppIdentity(
                env.getOrDefault("REGION_NAME", UNKNOWN),
                env.getOrDefault("WEBSITE_SITE_NAME", UNKNOWN),
                env.getOrDefault("WEBSITE_HOSTNAME", UNKNOWN),
                hostname,
                env.getOrDefault(
                        "WEBSITE_INSTANCE_ID",
                        hostname + "-" + ProcessHandle.current().pid()),
                version,
                startedAt);
    }

    /**
     * The host name without a DNS lookup where possible: a lookup can hang for seconds on a
     * machine with broken name resolution, and this runs at start-up.
     */
    private static String hostname(Map<String, String> env) {
        String fromEnv = env.getOrDefault("HOSTNAME", env.get("COMPUTERNAME"));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            String etc = Files.readString(Path.of("/etc/hostname")).trim();
            if (!etc.isEmpty()) {
                return etc;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
