package io.hadr.geodb.internal;

import io.hadr.geodb.ServerState;
import java.sql.SQLException;

/**
 * Asks the primary, within the health checks' response timeout, whether it serves and whether
 * the secondary streams from it: what the group's state is settled from.
 */
public final class GroupProbe {

    /** What the group looks like now. */
    public record Observation(boolean primaryServes, boolean secondaryStreams) {}

    private final GroupContext context;

    public GroupProbe(GroupContext context) {
        this.context = context;
    }

    public Observation observe() {
        FailoverGroup group = context.group();
        PostgresServer primary = group.primary();
        PostgresServer secondary = group.secondary();
        if (primary == null || primary.state() != ServerState.RUNNING) {
            return new Observation(false, false);
        }
        String standby = secondary == null ? "" : secondary.name();
        try {
            Boolean streams = primary.sql()
                    .queryOne(
                            "SELECT EXISTS (SELECT 1 FROM pg_stat_replication WHERE " + "application_name = '" + standby
                                    + "' AND state = 'streaming') AND NOT pg_is_in_recovery()",
                            context.config().healthChecks().responseTimeoutSeconds(),
                            rs -> rs.getBoolean(1));
            return new Observation(
                    true,
                    secondary != null && secondary.state() == ServerState.RUNNING && Boolean.TRUE.equals(streams));
        } catch (SQLException e) {
            return new Observation(false, false);
        }
    }
}
