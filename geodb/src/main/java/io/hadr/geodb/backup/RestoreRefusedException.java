package io.hadr.geodb.backup;

import io.hadr.geodb.GeoDbException;
import java.time.Instant;

/**
 * A restore target outside what the backups can restore (before the earliest restore point, in
 * the future, beyond the last archived WAL, an unknown mark): refused with the valid range,
 * never restored to some other point.
 */
public class RestoreRefusedException extends GeoDbException {

    private static final long serialVersionUID = 1L;

    /** Why a target was refused. */
    public enum Reason {
        /** The store has no base backup yet. */
        NO_BACKUP,
        /** The target is before the end of the oldest base backup. */
        BEFORE_EARLIEST,
        /** The target is later than now. */
        IN_FUTURE,
        /** The WAL holding the target is not in the store (yet). */
        BEYOND_ARCHIVE,
        /** No restore point of that name is in the store's WAL. */
        UNKNOWN_MARK
    }

    private final Reason reason;
    private final transient Instant earliest;
    private final transient Instant latest;

    public RestoreRefusedException(Reason reason, String message, Instant earliest, Instant latest) {
        super(message);
        this.reason = reason;
        this.earliest = earliest;
        this.latest = latest;
    }

    public Reason reason() {
        return reason;
    }

    /** The earliest point in time that can be restored, or null when there is none. */
    public Instant earliest() {
        return earliest;
    }

    /** The latest: restores go to times before it; null when there is none. */
    public Instant latest() {
        return latest;
    }
}
