package io.hadr.geodb.internal.backup;

import java.io.IOException;

/** A geo-copy given up because the group is closing: not a failure to report, nothing to retry. */
public final class GeoCopyAbandonedException extends IOException {

    public GeoCopyAbandonedException(String message, Throwable cause) {
        super(message, cause);
    }
}
