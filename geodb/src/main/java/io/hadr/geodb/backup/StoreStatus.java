package io.hadr.geodb.backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One region's backup store.
 *
 * @param region the region
 * @param directory where it is
 * @param generation the newest generation it holds
 * @param timeline the newest timeline of that generation
 * @param archivedThrough the position up to which its WAL can be replayed without a gap
 * @param lastSegment the newest segment in that unbroken WAL, or null
 * @param latestRestorePoint the last transaction end in it: restores from it go to times before this; null when none
 * @param walFiles archived files in it (all generations)
 * @param walBytes their size on disk
 * @param baseBackups base backups in it (all generations)
 * @param lagBytes WAL the primary has written that this store does not hold yet; null when unknown
 * @param lagMillis how long the oldest of that WAL has been waiting; null when unknown
 * @param problems what is wrong with it (a gap, invalid WAL, a copy conflict), one sentence each
 */
public record StoreStatus(
        String region,
        Path directory,
        int generation,
        int timeline,
        String archivedThrough,
        String lastSegment,
        Instant latestRestorePoint,
        int walFiles,
        long walBytes,
        int baseBackups,
        Long lagBytes,
        Long lagMillis,
        List<String> problems) {

    public StoreStatus {
        problems = List.copyOf(problems);
    }
}
