package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The front door's counters and their Prometheus text exposition (format 0.0.4). Per-origin
 * counters live in {@link OriginState}; this class holds the front-door-wide ones and renders all.
 */
public final class FrontDoorMetrics {

    private final OriginGroup group;
    private final LongAdder requests = new LongAdder();
    private final Map<ErrorInfo, LongAdder> errorResponses = new EnumMap<>(ErrorInfo.class);

    public FrontDoorMetrics(OriginGroup group) {
        this.group = group;
        for (ErrorInfo info : ErrorInfo.values()) {
            errorResponses.put(info, new LongAdder());
        }
    }

    void countRequest() {
        requests.increment();
    }

    void countErrorResponse(ErrorInfo info) {
        errorResponses.get(info).increment();
    }

    public long requests() {
        return requests.sum();
    }

    public long errorResponses(ErrorInfo info) {
        return errorResponses.get(info).sum();
    }

    public String render() {
        StringBuilder out = new StringBuilder(4096);
        header(out, "hadr_frontdoor_requests_total", "counter", "Client requests received by the front door.");
        out.append("hadr_frontdoor_requests_total ").append(requests.sum()).append('\n');

        header(
                out,
                "hadr_frontdoor_error_responses_total",
                "counter",
                "Responses the front door answered itself instead of an origin, by Azure error info.");
        errorResponses.forEach((info, count) -> out.append("hadr_frontdoor_error_responses_total{error_info=\"")
                .append(info.name())
                .append("\"} ")
                .append(count.sum())
                .append('\n'));

        header(out, "hadr_frontdoor_origin_requests_total", "counter", "Client requests answered by each origin.");
        for (OriginState origin : group.origins()) {
            sample(out, "hadr_frontdoor_origin_requests_total", origin, null, origin.requestsServed());
        }

        header(
                out,
                "hadr_frontdoor_origin_failures_total",
                "counter",
                "Requests to each origin that failed, by Azure error info (retried ones included).");
        for (OriginState origin : group.origins()) {
            for (ErrorInfo info : ErrorInfo.values()) {
                if (info.blamesOrigin()) {
                    sample(
                            out,
                            "hadr_frontdoor_origin_failures_total",
                            origin,
                            "error_info=\"" + info.name() + "\"",
                            origin.failures(info));
                }
            }
        }

        header(
                out,
                "hadr_frontdoor_retries_total",
                "counter",
                "Requests retried on the next origin after failing on this one (hadr's retryOnNextOrigin).");
        for (OriginState origin : group.origins()) {
            long total = 0;
            for (ErrorInfo info : ErrorInfo.values()) {
                total += origin.retriedAway(info);
            }
            sample(out, "hadr_frontdoor_retries_total", origin, null, total);
        }

        header(out, "hadr_frontdoor_origin_healthy", "gauge", "1 when the origin counts as healthy, 0 otherwise.");
        for (OriginState origin : group.origins()) {
            sample(out, "hadr_frontdoor_origin_healthy", origin, null, origin.isHealthy() ? 1 : 0);
        }
        header(out, "hadr_frontdoor_origin_enabled", "gauge", "1 when the origin is enabled, 0 otherwise.");
        for (OriginState origin : group.origins()) {
            sample(out, "hadr_frontdoor_origin_enabled", origin, null, origin.isEnabled() ? 1 : 0);
        }
        header(out, "hadr_frontdoor_origin_priority", "gauge", "The origin's priority (1 is preferred).");
        for (OriginState origin : group.origins()) {
            sample(
                    out,
                    "hadr_frontdoor_origin_priority",
                    origin,
                    null,
                    origin.settings().priority());
        }
        header(out, "hadr_frontdoor_origin_weight", "gauge", "The origin's weight.");
        for (OriginState origin : group.origins()) {
            sample(
                    out,
                    "hadr_frontdoor_origin_weight",
                    origin,
                    null,
                    origin.settings().weight());
        }

        header(out, "hadr_frontdoor_probes_total", "counter", "Health probes sent to each origin, by result.");
        for (OriginState origin : group.origins()) {
            sample(out, "hadr_frontdoor_probes_total", origin, "result=\"success\"", origin.probes(true));
            sample(out, "hadr_frontdoor_probes_total", origin, "result=\"failure\"", origin.probes(false));
        }
        header(
                out,
                "hadr_frontdoor_probe_latency_seconds",
                "gauge",
                "Wall-clock time of the last probe to the last byte of its answer.");
        for (OriginState origin : group.origins()) {
            origin.lastProbeLatency()
                    .ifPresent(latency ->
                            sample(out, "hadr_frontdoor_probe_latency_seconds", origin, null, seconds(latency)));
        }
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, OriginState origin, String extraLabel, Object value) {
        out.append(name).append("{origin=\"").append(origin.name()).append('"');
        if (extraLabel != null) {
            out.append(',').append(extraLabel);
        }
        out.append("} ").append(value).append('\n');
    }

    private static String seconds(Duration latency) {
        return String.format(Locale.ROOT, "%.6f", latency.toNanos() / 1e9);
    }
}
