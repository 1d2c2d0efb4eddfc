package io.hadr.geodb.backup;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Something the backups left on disk that no server and no restore uses any more: the former
 * primary's data an adopt kept aside, a backup store of a failover group that no longer exists,
 * the files of a restore that did not finish. Listed with what can be restored, and removed by
 * the retention window once it has been idle for the window's length; no restore ever reads any
 * of it, so removing it never shortens the restorable range.
 *
 * @param kind what it is
 * @param path where it is
 * @param bytes its size on disk
 * @param since when it was last written (for kept data: when it was kept aside)
 * @param removedAfter when the retention window lets it go ({@code since} plus the window)
 * @param what what it is, in a sentence
 */
public record Leftover(Kind kind, Path path, long bytes, Instant since, Instant removedAfter, String what) {

    /** What a leftover is. */
    public enum Kind {
        /** The data directory of the server that was primary before a restore was adopted. */
        FORMER_PRIMARY_DATA,
        /** A backup store in the store root that belongs to no server of a failover group that exists. */
        STORE_OF_NO_SERVER,
        /** The directory of a restore that did not finish (hadr stopped while it ran). */
        ABANDONED_RESTORE
    }
}
