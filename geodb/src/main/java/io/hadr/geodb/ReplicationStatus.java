package io.hadr.geodb;

import java.time.Duration;
import java.time.Instant;

/**
 * Replication from the primary to the secondary, measured on the primary's side
 * ({@code pg_stat_replication} and the secondary's replication slot), so that it stays known
 * exactly when the secondary stops answering. LSNs are PostgreSQL's text form ({@code 0/3000148}).
 *
 * @param primary the primary that was asked
 * @param standby the secondary
 * @param connected whether the secondary's WAL receiver is connected to the primary now
 * @param walSenderState the primary's WAL sender state for it ({@code streaming}, {@code catchup},
 *     ...), or null while it is not connected
 * @param currentLsn the primary's {@code pg_current_wal_lsn()}
 * @param sentLsn WAL sent to the secondary (null while not connected)
 * @param writeLsn WAL the secondary wrote (null while not connected)
 * @param flushLsn WAL the secondary flushed to disk; while not connected, the position its
 *     replication slot last confirmed
 * @param replayLsn WAL the secondary replayed (null while not connected)
 * @param lagBytes WAL the secondary has not replayed ({@code currentLsn - replayLsn}); while it is
 *     not connected, WAL it has not confirmed ({@code currentLsn - flushLsn}), which keeps growing
 *     with every write; null only when the primary cannot be asked
 * @param writeLag PostgreSQL's {@code write_lag} (null when idle or not connected)
 * @param flushLag PostgreSQL's {@code flush_lag}
 * @param replayLag PostgreSQL's {@code replay_lag}
 * @param lastReplyAt when the secondary last reported its position ({@code reply_time}); kept
 *     from earlier samples after its connection ended
 * @param sinceLastReply time from {@code lastReplyAt} to the sample, by the configured clock
 */
public record ReplicationStatus(
        String primary,
        String standby,
        boolean connected,
        String walSenderState,
        String currentLsn,
        String sentLsn,
        String writeLsn,
        String flushLsn,
        String replayLsn,
        Long lagBytes,
        Duration writeLag,
        Duration flushLag,
        Duration replayLag,
        Instant lastReplyAt,
        Duration sinceLastReply) {

    /**
     * A connected secondary replies at least every second ({@code wal_receiver_status_interval});
     * one that has been silent for longer than this is not answering (a cut link, a stopped
     * process) although its connection has not timed out yet, and its {@code replay_lag} is stale.
     */
    public static final Duration SILENT_AFTER = Duration.ofSeconds(2);

    /**
     * How far behind the secondary is in time: 0 when it replayed everything; PostgreSQL's
     * {@code replay_lag} while connected and answering; while not connected, or connected but
     * silent for longer than {@link #SILENT_AFTER}, and behind, the time since its last reply
     * (the span of writes it may be missing); null when unknown.
     */
    public Long lagMillis() {
        if (lagBytes == null) {
            return null;
        }
        if (lagBytes == 0) {
            return 0L;
        }
        boolean silent = sinceLastReply != null && sinceLastReply.compareTo(SILENT_AFTER) > 0;
        if (connected && !silent) {
            return replayLag == null ? null : replayLag.toMillis();
        }
        return sinceLastReply == null ? null : sinceLastReply.toMillis();
    }
}
