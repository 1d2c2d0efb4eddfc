package io.hadr.app;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The database part of readiness ({@code /health/ready}), read from {@link DatabaseMonitor}'s last
 * look (at most a second old) so that a probe never waits for a database that is away, and said
 * in words: Actuator's own check would put the exception's class name in the answer.
 */
final class DatabaseHealth implements HealthIndicator {

    private final DatabaseMonitor monitor;

    DatabaseHealth(DatabaseMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public Health health() {
        DatabaseMonitor.Snapshot snapshot = monitor.snapshot();
        return switch (snapshot.role()) {
            case "primary", "secondary" ->
                Health.up()
                        .withDetail("role", snapshot.role())
                        .withDetail("server", String.valueOf(snapshot.server()))
                        .build();
            default ->
                Health.down()
                        .withDetail("reason", snapshot.error() == null ? "not checked yet" : snapshot.error())
                        .build();
        };
    }
}
