package io.hadr.geodb.backup;

import java.time.Duration;
import java.time.Instant;

/**
 * A finished restore.
 *
 * @param name the restored server's name
 * @param region the region it lives in, and whose store it came from
 * @param host where it answers
 * @param port its PostgreSQL port
 * @param target what was asked for
 * @param baseBackup the base backup it started from
 * @param reachedCommitTime the commit (or abort) time of the last transaction replayed, or null when none was
 * @param reachedLsn the WAL position reached
 * @param walReplayedBytes WAL replayed from the base backup's start to the point reached
 * @param took how long the restore took
 */
public record RestoreResult(
        String name,
        String region,
        String host,
        int port,
        RestoreTarget target,
        String baseBackup,
        Instant reachedCommitTime,
        String reachedLsn,
        long walReplayedBytes,
        Duration took) {

    /** host:port */
    public String address() {
        return host + ":" + port;
    }
}
