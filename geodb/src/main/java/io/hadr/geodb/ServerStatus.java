package io.hadr.geodb;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One server as seen now. Values that could not be read (server down or unresponsive) are null.
 *
 * @param name the server (region) name
 * @param role its durable role
 * @param state whether its process runs and answers ({@link ServerState#UNRESPONSIVE} when it did
 *     not answer within the health checks' response timeout)
 * @param port its PostgreSQL port on 127.0.0.1
 * @param pid the postmaster's process id while it runs
 * @param inRecovery true for a standby, false for a primary, null when unreachable
 * @param timeline the timeline it is on (grows by one at each promotion); for a standby that
 *     does not stream, the newest timeline of the WAL it holds
 * @param currentLsn on a primary, {@code pg_current_wal_lsn()}
 * @param receiveLsn on a standby, {@code pg_last_wal_receive_lsn()}
 * @param replayLsn on a standby, {@code pg_last_wal_replay_lsn()}
 * @param streaming on a standby, whether its WAL receiver streams from the primary
 * @param logFile the file receiving the server's output
 * @param error why values are missing, or null
 * @param restarts how often self-healing restarted it after a crash since the group started
 * @param lastCrashAt when it was last found crashed (its process gone without hadr ending it), or null
 * @param crashLooping true when it crashed too often within the self-healing window and is no
 *     longer restarted; bring it up by hand once the cause is fixed
 */
public record ServerStatus(
        String name,
        ServerRole role,
        ServerState state,
        int port,
        Long pid,
        Boolean inRecovery,
        Integer timeline,
        String currentLsn,
        String receiveLsn,
        String replayLsn,
        Boolean streaming,
        Path logFile,
        String error,
        int restarts,
        Instant lastCrashAt,
        boolean crashLooping) {}
