package io.hadr.geodb.backup;

import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.ProgressListener;
import java.util.List;

/**
 * Continuous backups and point-in-time restore of a failover group, as Azure SQL has them. On by
 * default ({@link GeoDbConfig#backups()}): every server archives its WAL into its region's backup
 * store, base backups are taken on schedule and on demand ({@link #backup}), each store is copied
 * to the other region's, and retention removes what the window no longer needs. A restore
 * ({@link #restore}) makes a new server at a time, an LSN or a named mark ({@link #mark}) and
 * never touches the live servers; {@link #adopt} brings one into service behind the same
 * listeners; {@link #verifyBackups} test-restores the latest backup.
 *
 * <p>Implemented by {@link io.hadr.geodb.GeoDatabase}; the work is done in
 * {@code io.hadr.geodb.internal.backup}. Every method throws {@link IllegalStateException} while
 * the group is not started.
 */
public interface ContinuousBackups {

    /** Backups at a glance: archive lag (the backup RPO), geo-copy lag, restorable range. */
    BackupStatus backupStatus();

    /** Every base backup in every region's store, the marks, each store's state. */
    BackupCatalog backups();

    /** Takes a base backup of the primary now (they are also taken on schedule). */
    BaseBackupInfo backup(ProgressListener progress);

    /**
     * Makes a named restore point on the primary ({@code pg_create_restore_point}), which
     * {@link RestoreTarget.AtMark} restores to exactly.
     *
     * @throws IllegalArgumentException for a bad name or one that exists
     */
    RestoreMark mark(String name);

    /**
     * Restores the database to a time, an LSN or a mark as a NEW server (never touching the live
     * ones), from the primary's region's store or, with {@code fromRegion}, the other's.
     *
     * @throws RestoreRefusedException when the target is outside the restorable range, which the
     *     message names
     */
    RestoreResult restore(RestoreRequest request, ProgressListener progress);

    /** The restored servers, until they are adopted or dropped. */
    List<RestoredServer> restores();

    /** Stops a restored server and deletes its data. */
    void dropRestore(String name);

    /**
     * Makes a restored server's data the failover group's primary behind the same listeners; the
     * former primary's data is kept aside, the geo-secondary is rebuilt from the new primary.
     */
    AdoptReport adopt(String restore, ProgressListener progress);

    /**
     * Restores the latest base backup of a region's store (null: the primary's) to a scratch
     * location with all archived WAL, checks it, removes it, and reports problems by segment.
     */
    VerifyReport verifyBackups(String region, ProgressListener progress);

    /** Runs one statement as the administrator on a restored server. */
    QueryResult sqlOnRestore(String restore, String statement);
}
