package io.hadr.geodb.backup;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A base backup in a region's store.
 *
 * @param id its name, e.g. {@code base-20261127T180703Z}
 * @param generation the database generation it belongs to (a new one starts at each adopt)
 * @param store the region whose store holds this copy
 * @param server the server it was taken from
 * @param timeline the timeline it was taken on
 * @param startLsn where the WAL it needs begins
 * @param stopLsn the first position a restore of it reaches consistently
 * @param startedAt when it began (database clock)
 * @param stoppedAt when it ended: the earliest point in time it restores to
 * @param bytes the size of its archive in the store
 * @param dataBytes the size of the data it holds
 * @param directory where it is
 */
public record BaseBackupInfo(
        String id,
        int generation,
        String store,
        String server,
        int timeline,
        String startLsn,
        String stopLsn,
        Instant startedAt,
        Instant stoppedAt,
        long bytes,
        long dataBytes,
        Path directory) {}
