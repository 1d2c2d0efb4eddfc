package io.hadr.core.topology;

import java.util.List;
import java.util.Map;

/**
 * The regional web app, as App Service would run it.
 *
 * @param instancesPerRegion default instance count of each region
 * @param healthCheckPath App Service health check path (also what the front door probes by default)
 * @param healthCheckMaxPingFailures App Service's {@code WEBSITE_HEALTHCHECK_MAXPINGFAILURES}, 2–10
 * @param environment extra app settings given to every instance as environment variables
 * @param jvmOptions options for each instance's JVM (local only)
 * @param lockToFrontDoor whether instances answer 403 to requests without the front door's id
 * @param databasePoolSize connections each instance's pool may open to the database (the app's
 *     {@code HADR_DB_POOL_SIZE}); counted in the {@link ConnectionBudget}
 */
public record AppSpec(
        int instancesPerRegion,
        String healthCheckPath,
        int healthCheckMaxPingFailures,
        Map<String, String> environment,
        List<String> jvmOptions,
        boolean lockToFrontDoor,
        int databasePoolSize) {

    public AppSpec {
        environment = Map.copyOf(environment);
        jvmOptions = List.copyOf(jvmOptions);
    }
}
