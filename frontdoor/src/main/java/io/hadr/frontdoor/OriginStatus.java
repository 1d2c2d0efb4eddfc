package io.hadr.frontdoor;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one origin: its current settings, its health and recent probes, and what it has
 * served. This is what {@code hadr status} shows per origin.
 *
 * @param name the origin's name
 * @param address the origin's address
 * @param priority current priority (1–5)
 * @param weight current weight (1–1000)
 * @param enabled whether the origin may get traffic
 * @param healthy whether the origin counts as healthy now
 * @param recentProbes the results of the last {@code sampleSize} probes, oldest first ({@code true}
 *     = answered 200); the first probe's result fills the whole window at start
 * @param lastProbeLatency the wall-clock time of the last probe to the last byte of its answer, if
 *     any probe has completed
 * @param routingLatency the latency used for the latency band: the mean of the successful probes in
 *     the window, if there is one
 * @param lastProbeAt when the last probe result was recorded (configured clock)
 * @param requestsServed client requests answered by this origin (a response from it reached the
 *     front door)
 * @param failures requests to this origin that failed (connection refused or aborted, timeout,
 *     invalid answer), including those then retried on another origin
 */
public record OriginStatus(
        String name,
        URI address,
        int priority,
        int weight,
        boolean enabled,
        boolean healthy,
        List<Boolean> recentProbes,
        Optional<Duration> lastProbeLatency,
        Optional<Duration> routingLatency,
        Optional<Instant> lastProbeAt,
        long requestsServed,
        long failures) {

    public OriginStatus {
        recentProbes = List.copyOf(recentProbes);
    }

    /** The recent probes as a short string, oldest first, e.g. {@code "✓✓✗✓"}. */
    public String probeHistory() {
        StringBuilder history = new StringBuilder(recentProbes.size());
        for (boolean success : recentProbes) {
            history.append(success ? '✓' : '✗');
        }
        return history.toString();
    }

    public OriginHealth health() {
        return OriginHealth.of(healthy);
    }
}
