package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbEvent;
import io.hadr.geodb.ReplicationMode;
import io.hadr.geodb.ServerState;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous commit control in {@link ReplicationMode#SYNC}: the primary names the secondary in
 * {@code synchronous_standby_names} while it streams and nobody while it does not, so that the
 * primary never waits for a secondary that is gone. In ASYNC mode it does nothing.
 */
public final class SyncCommit {

    private static final Logger LOG = LoggerFactory.getLogger(SyncCommit.class);

    private final GroupContext context;
    private volatile boolean on;

    public SyncCommit(GroupContext context) {
        this.context = context;
    }

    /** Whether commits currently wait for the secondary. */
    public boolean on() {
        return on;
    }

    /** The standby a primary's configuration names now, or null. */
    public String standbyName() {
        PostgresServer secondary = context.group().secondary();
        return on && secondary != null ? secondary.name() : null;
    }

    /** A new or restarted primary starts with asynchronous commits (its config names nobody). */
    public void reset() {
        on = false;
    }

    /** Switches synchronous commit to match whether the secondary streams now. */
    public void update() {
        if (context.config().replicationMode() != ReplicationMode.SYNC) {
            return;
        }
        FailoverGroup group = context.group();
        PostgresServer primary = group.primary();
        PostgresServer secondary = group.secondary();
        if (primary == null || primary.state() != ServerState.RUNNING) {
            return;
        }
        boolean want = false;
        if (secondary != null && secondary.state() == ServerState.RUNNING) {
            try {
                want = Boolean.TRUE.equals(primary.sql()
                        .queryOne(
                                "SELECT count(*) > 0 FROM pg_stat_replication WHERE " + "application_name = '"
                                        + secondary.name() + "' AND state = 'streaming'",
                                rs -> rs.getBoolean(1)));
            } catch (SQLException e) {
                return;
            }
        }
        if (want == on) {
            return;
        }
        primary.writeConfig(RoleSettings.primary(want ? secondary.name() : null, false));
        try {
            primary.sql().reload();
        } catch (SQLException e) {
            LOG.warn("Could not reload '{}' to switch synchronous commit: {}", primary.name(), e.getMessage());
            return;
        }
        boolean before = on;
        on = want;
        context.events()
                .emit(
                        GeoDbEvent.Kind.REPLICATION,
                        primary.name(),
                        before ? "synchronous" : "asynchronous",
                        want ? "synchronous" : "asynchronous",
                        want
                                ? "secondary '" + secondary.name() + "' streams"
                                : "no streaming secondary: commits no longer wait for one");
    }
}
