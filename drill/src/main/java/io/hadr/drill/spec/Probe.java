package io.hadr.drill.spec;

/**
 * One probe of the steady-state hypothesis.
 *
 * @param text as written in the drill file
 * @param line where
 * @param kind for traffic probes, which traffic; null for status probes
 * @param measure what the probe measures
 * @param region for {@link Measure#SERVED_FROM}, the region
 * @param minPercent for traffic probes, the least acceptable share (the tolerance)
 * @param condition for status probes, the condition that must hold
 */
public record Probe(
        String text,
        int line,
        TrafficKind kind,
        Measure measure,
        RegionRef region,
        double minPercent,
        Condition condition) {

    /** What a probe looks at. */
    public enum Measure {
        /** The share of requests of the kind that succeeded during the window. */
        SUCCEED,
        /** The share of successful requests of the kind answered by the region during the window. */
        SERVED_FROM,
        /** A status condition at the end of the window. */
        STATUS
    }
}
