package io.hadr.drill.measure;

import java.time.Instant;

/**
 * Where a drill reads time: a monotonic clock for every interval it measures and the wall clock
 * only to say when something happened. Injected so that tests can drive time themselves.
 */
public interface TimeSource {

    /** Monotonic nanoseconds, comparable only with each other (like {@link System#nanoTime()}). */
    long nanos();

    /** The wall-clock time now. */
    Instant now();

    /** The system's clocks. */
    static TimeSource system() {
        return new TimeSource() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public Instant now() {
                return Instant.now();
            }
        };
    }
}
