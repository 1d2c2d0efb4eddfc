package io.hadr.geodb;

import java.nio.file.Path;

/**
 * One server as seen now. Values that could not be read (server down) are null.
 *
 * @param name the server (region) name
 * @param role its durable role
 * @param state whether its process runs
 * @param port its PostgreSQL port on 127.0.0.1
 * @param pid the postmaster's process id while it runs
 * @param inRecovery true for a standby, false for a primary, null when unreachable
 * @param timeline the timeline it is on (grows by one at each promotion)
 * @param currentLsn on a primary, {@code pg_current_wal_lsn()}
 * @param receiveLsn on a standby, {@code pg_last_wal_receive_lsn()}
 * @param replayLsn on a standby, {@code pg_last_wal_replay_lsn()}
 * @param streaming on a standby, whether its WAL receiver streams from the primary
 * @param logFile the file receiving the server's output
 * @param error why values are missing, or null
 */
public record ServerStatus(String name, ServerRole role, ServerState state, int port, Long pid, Boolean inRecovery,
        Integer timeline, String currentLsn, String receiveLsn, String replayLsn, Boolean streaming, Path logFile,
        String error) {
}
