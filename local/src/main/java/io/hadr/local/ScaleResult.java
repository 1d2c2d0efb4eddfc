package io.hadr.local;

import java.time.Duration;
import java.util.List;

/**
 * What {@code hadr app scale REGION N} did (App Service's instance count): the control API's
 * answer, shared by the environment, its client and the CLI.
 *
 * @param region the region id
 * @param before instances the region had
 * @param after instances it has now, all running
 * @param started instances started (new ones, and existing ones that were stopped), each a front
 *     door origin that gets traffic once its probes pass
 * @param removed instances taken out: removed from the front door, drained, then stopped
 * @param took how long the whole scale took
 */
public record ScaleResult(
        String region,
        int before,
        int after,
        List<AppActionResult.InstanceResult> started,
        List<AppActionResult.InstanceResult> removed,
        Duration took) {

    public ScaleResult {
        started = List.copyOf(started);
        removed = List.copyOf(removed);
    }
}
