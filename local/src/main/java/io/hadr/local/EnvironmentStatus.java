package io.hadr.local;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code hadr status --json} prints: the shape other tools rely on (see DESIGN.md). Fields
 * of parts that do not exist yet are null rather than absent, so that scripts can test for them.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EnvironmentStatus(
        String name,
        String strategy,
        String topology,
        long pid,
        String startedAt,
        String endpoint,
        List<Region> regions,
        Object database,
        List<String> nonAzureSettings) {

    /** One region: its apps and, once there is a front door, its origin. */
    public record Region(String id, String displayName, String role, List<App> apps, Object origin) {}

    /**
     * One app instance.
     *
     * @param state stopped, starting, running, stopping or crashed
     * @param pid the process id while it runs
     * @param restarts how many times it was started after the first time
     * @param lastExit how the previous process ended, e.g. "was killed by signal 9 at ..."
     */
    public record App(String id, String url, String state, Long pid, String startedAt, int restarts, String lastExit,
                      String log) {}
}
