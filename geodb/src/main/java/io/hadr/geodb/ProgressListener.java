package io.hadr.geodb;

import java.time.Duration;

/**
 * Receives one line per step of a long operation (start, failover, reseed), with the time
 * elapsed since the operation began, so a command line can print progress as it happens.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores every step. */
    ProgressListener NONE = (step, elapsed) -> {};

    /**
     * Called when a step has completed.
     *
     * @param step what has just happened, e.g. {@code "secondary caught up"}
     * @param elapsed time since the operation began
     */
    void onStep(String step, Duration elapsed);
}
