package io.hadr.geodb.backup;

import java.util.List;

/**
 * What can be restored, for {@code hadr db backups}: every base backup in every region's store,
 * the named restore points, each store's state, and the summary of {@link BackupStatus}.
 *
 * @param generation the current database generation (a new one starts when a restore is adopted)
 * @param status the summary: range, lags, schedule
 * @param baseBackups every base backup in every store, oldest first
 * @param marks the named restore points in the primary's store's current generation
 * @param stores each region's store
 * @param leftovers what no server and no restore uses any more, and when retention removes it
 */
public record BackupCatalog(
        int generation,
        BackupStatus status,
        List<BaseBackupInfo> baseBackups,
        List<RestoreMark> marks,
        List<StoreStatus> stores,
        List<Leftover> leftovers) {

    public BackupCatalog {
        baseBackups = List.copyOf(baseBackups);
        marks = List.copyOf(marks);
        stores = List.copyOf(stores);
        leftovers = List.copyOf(leftovers);
    }
}
