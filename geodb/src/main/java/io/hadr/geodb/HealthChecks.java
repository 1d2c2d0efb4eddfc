package io.hadr.geodb;

import java.time.Duration;

/**
 * How the group watches its servers: every {@code interval} it asks each running server a
 * question; one that does not answer within {@code responseTimeout} is
 * {@link ServerState#UNRESPONSIVE}. The same checks drive the outage clock of the automatic
 * failover policy, self-healing and synchronous commit.
 *
 * @param interval time between two checks (50 ms–5 min, default 1 s)
 * @param responseTimeout a whole number of seconds, because PostgreSQL's JDBC driver counts its
 *     timeouts in seconds (1–60 s, default 2 s)
 */
public record HealthChecks(Duration interval, Duration responseTimeout) {

    public static final HealthChecks DEFAULT = new HealthChecks(Duration.ofSeconds(1), Duration.ofSeconds(2));

    public HealthChecks {
        Checks.between("healthCheckInterval", interval, Duration.ofMillis(50), Duration.ofMinutes(5));
        Checks.between("responseTimeout", responseTimeout, Duration.ofSeconds(1), Duration.ofMinutes(1));
        if (responseTimeout.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("responseTimeout must be a whole number of seconds (the JDBC driver "
                    + "counts its timeouts in seconds), but was " + responseTimeout);
        }
    }

    public HealthChecks withInterval(Duration interval) {
        return new HealthChecks(interval, responseTimeout);
    }

    public HealthChecks withResponseTimeout(Duration timeout) {
        return new HealthChecks(interval, timeout);
    }

    /** {@link #responseTimeout()} in seconds, as the JDBC driver takes it. */
    public int responseTimeoutSeconds() {
        return (int) responseTimeout.toSeconds();
    }
}
