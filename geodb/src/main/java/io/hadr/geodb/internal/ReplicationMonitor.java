package io.hadr.geodb.internal;

import io.hadr.geodb.ReplicationStatus;
import io.hadr.geodb.ServerState;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * Measures replication on the primary's side: {@code pg_stat_replication} while the secondary
 * is connected, and its replication slot (the position it last confirmed) when it is not, so the
 * lag in bytes stays known, and keeps growing, exactly when the secondary stops answering. The
 * time of the secondary's last reply is remembered across samples, because its row in
 * {@code pg_stat_replication} goes away when its connection does. Times come from the primary's
 * own clock, as {@code reply_time} does.
 */
public final class ReplicationMonitor {

    private final GroupContext context;
    private volatile String lastStandby;
    private volatile Instant lastReplyAt;

    public ReplicationMonitor(GroupContext context) {
        this.context = context;
    }

    /** A fresh sample, or null without a primary that answers or without a secondary. */
    public ReplicationStatus sample() {
        FailoverGroup group = context.group();
        PostgresServer primary = group.primary();
        PostgresServer standby = group.secondary();
        if (primary == null || standby == null || primary.state() != ServerState.RUNNING) {
            return null;
        }
        String sql = "SELECT pg_current_wal_lsn()::text, r.state, r.sent_lsn::text, r.write_lsn::text, "
                + "r.flush_lsn::text, r.replay_lsn::text, (extract(epoch FROM r.write_lag) * 1000)::bigint, "
                + "(extract(epoch FROM r.flush_lag) * 1000)::bigint, (extract(epoch FROM r.replay_lag) * 1000)::bigint, "
                + "r.reply_time, s.restart_lsn::text, clock_timestamp() "
                + "FROM (SELECT 1) AS one "
                + "LEFT JOIN LATERAL (SELECT * FROM pg_stat_replication WHERE application_name = '" + standby.name()
                + "' ORDER BY backend_start DESC LIMIT 1) r ON true "
                + "LEFT JOIN pg_replication_slots s ON s.slot_name = '" + standby.slotName() + "'";
        try {
            return primary.sql().queryOne(sql, context.config().healthChecks().responseTimeoutSeconds(), rs -> {
                String current = rs.getString(1);
                String state = rs.getString(2);
                boolean connected = state != null;
                String slotLsn = rs.getString(11);
                String flush = connected ? rs.getString(5) : slotLsn;
                String replay = connected ? rs.getString(6) : null;
                Timestamp reply = rs.getTimestamp(10);
                Instant now = rs.getTimestamp(12).toInstant();
                if (!standby.name().equals(lastStandby)) {
                    lastStandby = standby.name();
                    lastReplyAt = null;
                }
                if (reply != null) {
                    lastReplyAt = reply.toInstant();
                }
                String behind = replay != null ? replay : flush;
                Long lag =
                        current == null || behind == null ? null : Math.max(0, Lsn.parse(current) - Lsn.parse(behind));
                Instant replyAt = lastReplyAt;
                return new ReplicationStatus(
                        primary.name(),
                        standby.name(),
                        connected,
                        state,
                        current,
                        connected ? rs.getString(3) : null,
                        connected ? rs.getString(4) : null,
                        flush,
                        replay,
                        lag,
                        millis(rs, 7),
                        millis(rs, 8),
                        millis(rs, 9),
                        replyAt,
                        replyAt == null
                                ? null
                                : Duration.between(replyAt, now).isNegative()
                                        ? Duration.ZERO
                                        : Duration.between(replyAt, now));
            });
        } catch (SQLException e) {
            return null;
        }
    }

    private static Duration millis(java.sql.ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Duration.ofMillis(value);
    }
}
