package io.hadr.geodb.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Continuous backups of a failover group, like Azure SQL's automated backups: every server
 * archives its WAL into its region's backup store, base backups are taken on a schedule, each
 * region's store is copied to the other region's (geo-redundant backup storage), and what is
 * older than the retention window — and not needed to restore to any point inside it — is
 * removed. On by default.
 *
 * @param enabled whether backups are taken at all (default true; off, nothing is archived and
 *     every backup or restore operation is refused with a message saying so)
 * @param storeRoot where the regions' stores live ({@code <storeRoot>/<region>}); null for
 *     {@code <dataRoot>/backups}
 * @param retention how far back a point-in-time restore can go (1 min–10 years; default 7 days,
 *     Azure SQL allows 1–35 days: whether a value is one Azure accepts is the topology's business)
 * @param baseBackupInterval how often a base backup is taken (1 min–35 days, default 24 h; a
 *     restore replays the WAL written since the base backup before its target)
 * @param archiveTimeout the longest a finished transaction waits before its WAL is archived,
 *     PostgreSQL's {@code archive_timeout}: the backup RPO (1 s–1 h, default 60 s)
 * @param compressAfter archived WAL older than this is compressed (0–7 days, default 10 min;
 *     restores to recent points read uncompressed WAL)
 * @param geoCopy whether each store is copied to the other region's (default true); copies cross the
 *     group's inter-region link like every other byte between the regions, so they take its latency
 *     and wait while it is partitioned
 */
public record BackupSettings(
        boolean enabled,
        Path storeRoot,
        Duration retention,
        Duration baseBackupInterval,
        Duration archiveTimeout,
        Duration compressAfter,
        boolean geoCopy) {

    public static final BackupSettings DEFAULT = new BackupSettings(
            true, null, Duration.ofDays(7), Duration.ofHours(24), Duration.ofSeconds(60), Duration.ofMinutes(10), true);

    public BackupSettings {
        between("backup retention", retention, Duration.ofMinutes(1), Duration.ofDays(3650));
        between("baseBackupInterval", baseBackupInterval, Duration.ofMinutes(1), Duration.ofDays(35));
        between("archiveTimeout", archiveTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        between("compressAfter", compressAfter, Duration.ZERO, Duration.ofDays(7));
        if (storeRoot != null) {
            storeRoot = storeRoot.toAbsolutePath().normalize();
        }
    }

    /** No backups: nothing is archived; backup and restore operations are refused. */
    public static BackupSettings off() {
        return DEFAULT.withEnabled(false);
    }

    public BackupSettings withEnabled(boolean value) {
        return with(c -> c.enabled = value);
    }

    public BackupSettings withStoreRoot(Path value) {
        return with(c -> c.storeRoot = value);
    }

    public BackupSettings withRetention(Duration value) {
        return with(c -> c.retention = value);
    }

    public BackupSettings withBaseBackupInterval(Duration value) {
        return with(c -> c.baseBackupInterval = value);
    }

    public BackupSettings withArchiveTimeout(Duration value) {
        return with(c -> c.archiveTimeout = value);
    }

    public BackupSettings withCompressAfter(Duration value) {
        return with(c -> c.compressAfter = value);
    }

    public BackupSettings withGeoCopy(boolean value) {
        return with(c -> c.geoCopy = value);
    }

    /** A copy with one setting changed, checked like any other. */
    private BackupSettings with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The settings as fields, so that a with-er names only the one it changes. */
    private static final class Copy {
        boolean enabled;
        Path storeRoot;
        Duration retention;
        Duration baseBackupInterval;
        Duration archiveTimeout;
        Duration compressAfter;
        boolean geoCopy;

        Copy(BackupSettings s) {
            enabled = s.enabled;
            storeRoot = s.storeRoot;
            retention = s.retention;
            baseBackupInterval = s.baseBackupInterval;
            archiveTimeout = s.archiveTimeout;
            compressAfter = s.compressAfter;
            geoCopy = s.geoCopy;
        }

        BackupSettings build() {
            return new BackupSettings(
                    enabled, storeRoot, retention, baseBackupInterval, archiveTimeout, compressAfter, geoCopy);
        }
    }

    private static void between(String what, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", but was " + value);
        }
    }
}
