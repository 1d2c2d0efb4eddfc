package io.hadr.local;

import io.hadr.core.platform.AppAction;
import java.time.Duration;
import java.util.List;

/**
 * What an app action ({@code hadr app stop|start|restart|kill REGION}) did to each instance of the
 * region: the control API's answer, shared by the environment, its client and the CLI.
 *
 * @param region the region id
 * @param action what was asked
 * @param instances one entry per instance, in instance order
 */
public record AppActionResult(String region, AppAction action, List<InstanceResult> instances) {

    public AppActionResult {
        instances = List.copyOf(instances);
    }

    /**
     * One instance.
     *
     * @param id the instance, e.g. {@code centralindia-0}
     * @param url where it listens
     * @param before its state when the action began
     * @param after its state when the action ended
     * @param stopTook how long the graceful stop took; null when nothing was stopped
     * @param startTook how long until it answered its health check; null when nothing was started
     */
    public record InstanceResult(
            String id, String url, AppState before, AppState after, Duration stopTook, Duration startTook) {

        /** Whether the action found the instance already as it asked for, and did nothing. */
        public boolean unchanged() {
            return stopTook == null && startTook == null && before == after;
        }
    }
}
