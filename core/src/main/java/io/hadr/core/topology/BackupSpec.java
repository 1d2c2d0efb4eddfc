package io.hadr.core.topology;

import java.time.Duration;

/**
 * Backups for point-in-time restore.
 *
 * @param retention how far back a restore can go (Azure SQL: 1–35 days, default 7; locally also
 *     minutes, to rehearse what retention removes)
 * @param archiveTimeout the longest a committed transaction waits before its WAL is archived: the
 *     backup RPO (local only; Azure SQL takes log backups about every 10 minutes)
 * @param baseBackupInterval how often a base backup is taken (local only; Azure SQL takes full
 *     backups weekly and differentials every 12–24 hours)
 */
public record BackupSpec(Duration retention, Duration archiveTimeout, Duration baseBackupInterval) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_ARCHIVE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_BASE_BACKUP_INTERVAL = Duration.ofHours(24);

    /** Azure's defaults: 7 days of point-in-time restore. */
    public static BackupSpec defaults() {
        return new BackupSpec(DEFAULT_RETENTION, DEFAULT_ARCHIVE_TIMEOUT, DEFAULT_BASE_BACKUP_INTERVAL);
    }
}
