package io.hadr.geodb.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Backups at a glance, for {@code hadr status}: how far the archive trails the primary (the
 * backup RPO), how far the other region's copy trails, and what can be restored.
 *
 * @param enabled whether backups are on
 * @param primaryStore the region whose store the primary archives into
 * @param archiveLagBytes WAL the primary wrote that its store does not hold yet; null when unknown
 * @param archiveLagMillis how long the oldest of it has waited: the backup RPO now; null when unknown
 * @param geoCopyLagBytes WAL the primary's store holds that the other region's store does not yet
 * @param geoCopyLagMillis how much longer the other region's store trails than the primary's
 * @param baseBackupsToCopy base backups of the primary's store not yet in the other region's
 * @param earliestRestorePoint the earliest time a restore can go to, or null
 * @param latestRestorePoint restores go to times before this (the last archived transaction end), or null
 * @param lastBaseBackupAt when the newest base backup ended, or null
 * @param nextBaseBackupAt when the next scheduled base backup is due, or null
 * @param retention the retention window
 * @param archiveTimeout the longest WAL waits before it is archived
 * @param archiveFailures failed archive attempts on the primary since it started (pg_stat_archiver)
 * @param lastArchiveFailure the last failed file and when, or null when the last attempt succeeded
 * @param problems what is wrong, one sentence each
 */
public record BackupStatus(
        boolean enabled,
        String primaryStore,
        Long archiveLagBytes,
        Long archiveLagMillis,
        Long geoCopyLagBytes,
        Long geoCopyLagMillis,
        int baseBackupsToCopy,
        Instant earliestRestorePoint,
        Instant latestRestorePoint,
        Instant lastBaseBackupAt,
        Instant nextBaseBackupAt,
        Duration retention,
        Duration archiveTimeout,
        long archiveFailures,
        String lastArchiveFailure,
        List<String> problems) {

    public BackupStatus {
        problems = List.copyOf(problems);
    }

    /** The status of a group without backups. */
    public static BackupStatus off() {
        return new BackupStatus(
                false, null, null, null, null, null, 0, null, null, null, null, null, null, 0, null, List.of());
    }
}
