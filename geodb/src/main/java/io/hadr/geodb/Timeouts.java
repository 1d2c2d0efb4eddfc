package io.hadr.geodb;

import java.time.Duration;

/**
 * Deadlines of the group's long operations.
 *
 * @param startup a server must accept connections within this after it is started (1 s–1 h, default 60 s)
 * @param shutdown a fast shutdown must finish within this, else the server is killed (1 s–1 h, default 30 s)
 * @param plannedFailover a planned failover must have synchronised within this, else it is refused
 *     (or, trying planned first, forced), like Azure's {@code PlannedFailoverTimedOut} (0.1 s–1 h, default 30 s)
 */
public record Timeouts(Duration startup, Duration shutdown, Duration plannedFailover) {

    public static final Timeouts DEFAULT =
            new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30));

    public Timeouts {
        Checks.between("startupTimeout", startup, Duration.ofSeconds(1), Duration.ofHours(1));
        Checks.between("shutdownTimeout", shutdown, Duration.ofSeconds(1), Duration.ofHours(1));
        Checks.between("plannedFailoverTimeout", plannedFailover, Duration.ofMillis(100), Duration.ofHours(1));
    }

    public Timeouts withStartup(Duration timeout) {
        return new Timeouts(timeout, shutdown, plannedFailover);
    }

    public Timeouts withShutdown(Duration timeout) {
        return new Timeouts(startup, timeout, plannedFailover);
    }

    public Timeouts withPlannedFailover(Duration timeout) {
        return new Timeouts(startup, shutdown, timeout);
    }
}
