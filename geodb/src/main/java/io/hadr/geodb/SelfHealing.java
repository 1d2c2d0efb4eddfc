package io.hadr.geodb;

import java.time.Duration;

/**
 * In-region high availability: a server whose process dies without hadr ending it (a crash, an
 * out-of-memory kill, a SIGKILL from outside) is restarted in place, as Azure SQL's in-region
 * high availability heals a failed database process without a geo-failover. Deliberate outages
 * ({@link GeoDatabase#kill}, {@link GeoDatabase#stop}, a fenced old primary) are never undone.
 *
 * <p>The n-th restart within {@code window} waits {@code initialBackoff × 2^(n-1)}, at most
 * {@code maxBackoff}. A server that crashes more than {@code maxRestarts} times within
 * {@code window} is no longer restarted: it is reported as crash-looping (status and a
 * {@link GeoDbEvent.Kind#HEALING} event) until it is brought up by hand.
 *
 * @param enabled whether crashed servers are restarted at all (default true)
 * @param maxRestarts restarts allowed within the window (1–100, default 5)
 * @param window how far back crashes count (1 s–1 day, default 10 min)
 * @param initialBackoff wait before the first restart (0–10 min, default 1 s; 0 restarts at once, every time)
 * @param maxBackoff the longest wait between restarts (at least the initial one, at most 1 h, default 30 s)
 */
public record SelfHealing(
        boolean enabled, int maxRestarts, Duration window, Duration initialBackoff, Duration maxBackoff) {

    public static final SelfHealing DEFAULT =
            new SelfHealing(true, 5, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(30));

    public SelfHealing {
        if (maxRestarts < 1 || maxRestarts > 100) {
            throw new IllegalArgumentException("maxRestarts must be between 1 and 100, but was " + maxRestarts);
        }
        Checks.between("self-healing window", window, Duration.ofSeconds(1), Duration.ofDays(1));
        Checks.between("initialBackoff", initialBackoff, Duration.ZERO, Duration.ofMinutes(10));
        Checks.between("maxBackoff", maxBackoff, initialBackoff, Duration.ofHours(1));
    }

    /** Crashed servers stay down until brought up by hand. */
    public static SelfHealing off() {
        return new SelfHealing(false, DEFAULT.maxRestarts, DEFAULT.window, DEFAULT.initialBackoff, DEFAULT.maxBackoff);
    }

    /** The wait before the {@code n}-th restart within the window (n ≥ 1): doubling from the initial one. */
    public Duration backoff(int n) {
        Duration wait = initialBackoff.multipliedBy(1L << Math.min(Math.max(n, 1) - 1, 20));
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
