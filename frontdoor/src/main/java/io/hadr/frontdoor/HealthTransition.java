package io.hadr.frontdoor;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of an origin's health, delivered to listeners registered with
 * {@link FrontDoor#addHealthListener(java.util.function.Consumer)}.
 *
 * <p>A drill uses these to timestamp the "detected" phase of a failover: the moment the front door
 * stopped (or started again) sending traffic to an origin.
 *
 * @param origin the origin's name
 * @param from the health before
 * @param to the health after; never equal to {@code from}
 * @param at when the probe result (or passive failure) that caused the change was recorded, from
 *     the configured clock
 * @param reason a short human-readable cause, e.g. {@code "probes ✓✓✗✗ (2 of last 4 succeeded, 3
 *     required)"}
 */
public record HealthTransition(String origin, OriginHealth from, OriginHealth to, Instant at, String reason) {

    public HealthTransition {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        if (from == to) {
            throw new IllegalArgumentException("a health transition must change the health, but both were " + from);
        }
    }
}
