package io.hadr.geodb.backup;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A server made by a restore, kept until it is adopted or dropped.
 *
 * @param name its name
 * @param region the region it lives in
 * @param port its PostgreSQL port on 127.0.0.1
 * @param state running, stopped or down
 * @param pid its postmaster while it runs
 * @param createdAt when the restore finished
 * @param target what was asked for, in words
 * @param baseBackup the base backup it started from
 * @param reachedCommitTime the commit time of the last transaction replayed, or null
 * @param reachedLsn the WAL position reached
 * @param dataDirectory its data
 */
public record RestoredServer(
        String name,
        String region,
        int port,
        String state,
        Long pid,
        Instant createdAt,
        String target,
        String baseBackup,
        Instant reachedCommitTime,
        String reachedLsn,
        Path dataDirectory) {}
