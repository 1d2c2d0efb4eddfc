package io.hadr.local;

import java.time.Duration;

/**
 * When a crashed app instance is started again, and when hadr stops trying: the first restart
 * comes after {@code firstBackoff}, each further one within the window waits twice as long (at most
 * {@code maxBackoff}), and the {@code maxCrashes}-th crash within {@code window} leaves the instance
 * down and reported, so that an app that cannot run is not restarted forever.
 */
record HealingPolicy(Duration firstBackoff, Duration maxBackoff, int maxCrashes, Duration window) {

    /** App Service restarts a crashed instance within seconds; three crashes in five minutes is a crash loop. */
    static final HealingPolicy DEFAULT =
            new HealingPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 3, Duration.ofMinutes(5));

    HealingPolicy {
        if (firstBackoff.isNegative() || firstBackoff.isZero()) {
            throw new IllegalArgumentException("firstBackoff must be positive, but was " + firstBackoff);
        }
        if (maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff must be at least firstBackoff " + firstBackoff + ", but was " + maxBackoff);
        }
        if (maxCrashes < 1) {
            throw new IllegalArgumentException("maxCrashes must be at least 1, but was " + maxCrashes);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, but was " + window);
        }
    }

    /** The wait before the restart that follows the {@code crashes}-th crash within the window (1-based). */
    Duration backoff(int crashes) {
        Duration backoff = firstBackoff;
        for (int i = 1; i < crashes && backoff.compareTo(maxBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }
}
