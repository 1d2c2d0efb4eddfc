package io.hadr.drill.measure;

import java.time.Instant;

/**
 * One reading of both clocks at the start of a drill. Every later moment is kept as monotonic
 * nanoseconds and turned into wall-clock time through this pair, so that a wall-clock step during
 * a drill cannot bend a measured interval.
 */
public record Timebase(long originNanos, Instant originWall) {

    public static Timebase of(TimeSource time) {
        return new Timebase(time.nanos(), time.now());
    }

    /** The wall-clock time of a monotonic reading. */
    public Instant wallAt(long nanos) {
        return originWall.plusNanos(nanos - originNanos);
    }

    /** Milliseconds from the origin to a monotonic reading. */
    public double msAt(long nanos) {
        return (nanos - originNanos) / 1e6;
    }
}
